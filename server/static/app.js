// The newsgraph query page: a YASGUI editor on our own /sparql endpoint, and the canned
// queries from /api/queries with a form each. Plain DOM, no framework, nothing from the network
// but this server.
"use strict";

(function () {
  const ENDPOINT = new URL("/sparql", location.href).href;

  const PREFIXES = {
    ng: "https://w3id.org/newsgraph/ontology#",
    sem: "http://semanticweb.cs.vu.nl/2009/11/sem/",
    schema: "http://schema.org/",
    prov: "http://www.w3.org/ns/prov#",
    nif: "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    gaf: "http://groundedannotationframework.org/gaf#",
    skos: "http://www.w3.org/2004/02/skos/core#",
    owl: "http://www.w3.org/2002/07/owl#",
    rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
    xsd: "http://www.w3.org/2001/XMLSchema#",
    dcterms: "http://purl.org/dc/terms/",
    wd: "http://www.wikidata.org/entity/",
    wdt: "http://www.wikidata.org/prop/direct/",
  };

  const DEFAULT_QUERY =
    Object.entries(PREFIXES)
      .map(([prefix, iri]) => `PREFIX ${prefix}: <${iri}>`)
      .join("\n") +
    `

# Who said what: every statement with its speaker.
SELECT ?speakerName ?text WHERE {
  ?s a ng:Statement ;
     ng:speaker ?sp ;
     schema:text ?text .
  ?sp rdfs:label ?speakerName .
}
LIMIT 50
`;

  function setUpEditor() {
    document.getElementById("endpoint-url").textContent = ENDPOINT;
    const holder = document.getElementById("yasgui");
    if (typeof window.Yasgui !== "function") {
      holder.hidden = true;
      document.getElementById("editor-missing").hidden = false;
      return null;
    }
    const Yasgui = window.Yasgui;
    // Autocompletion of classes and properties asks a remote vocabulary service (LOV); keep
    // only the completers that work offline (bundled prefixes, the query's own variables).
    // Set on the shared defaults: YASGUI merges arrays index by index, so a config value
    // could not shorten the list.
    const offline = ["prefixes", "variables"];
    Yasgui.Yasqe.defaults.autocompleters = offline.slice();
    Yasgui.Yasqe.defaults.prefixCcApi = null;
    Yasgui.defaults.yasqe.autocompleters = offline.slice();
    Yasgui.defaults.yasqe.prefixCcApi = null;

    const yasgui = new Yasgui(holder, {
      // Nothing kept in localStorage: every load starts on this server's endpoint and query.
      persistenceId: null,
      populateFromUrl: true, // YASGUI's share links (#query=...) still open here
      autofocus: false,
      copyEndpointOnNewTab: true,
      corsProxy: undefined,
      // Offer only our own endpoint, never a catalogue of remote ones.
      endpointCatalogueOptions: { getData: () => [{ endpoint: ENDPOINT }] },
      requestConfig: { endpoint: ENDPOINT, method: "POST" },
      // The prefixes fold to one line so the query itself is in view; click the fold to open them.
      yasqe: { value: DEFAULT_QUERY, persistenceId: null, collapsePrefixesOnLoad: true },
      yasr: { defaultPlugin: "table", prefixes: PREFIXES, persistenceId: null },
    });
    window.newsgraphYasgui = yasgui; // handy from the console, and for the browser test
    return yasgui;
  }

  // ---- canned queries ----

  const INPUT_TYPES = { iri: "text", string: "text", date: "date", integer: "number" };

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child);
      }
    }
    return node;
  }

  function queryUrl(name, form, format) {
    const params = new URLSearchParams();
    for (const input of form.querySelectorAll("input[name]")) {
      const value = input.value.trim();
      if (value !== "") params.set(input.name, value);
    }
    params.set("format", format);
    return `/api/queries/${encodeURIComponent(name)}?${params}`;
  }

  async function errorText(response) {
    const body = await response.text();
    try {
      const data = JSON.parse(body);
      const detail = data.detail ?? data.error ?? data.message;
      if (detail !== undefined) {
        return typeof detail === "string" ? detail : JSON.stringify(detail);
      }
    } catch (_) {
      // not JSON: show the text itself
    }
    return body || `${response.status} ${response.statusText}`;
  }

  function cellValue(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "object") return "value" in value ? String(value.value) : JSON.stringify(value);
    return String(value);
  }

  function rowsTable(rows, caption) {
    const columns = [];
    for (const row of rows) {
      for (const key of Object.keys(row)) {
        if (!columns.includes(key)) columns.push(key);
      }
    }
    const head = el("tr", {}, ...columns.map((column) => el("th", { scope: "col", text: column })));
    const body = rows.map((row) =>
      el(
        "tr",
        {},
        ...columns.map((column) => {
          const text = cellValue(row[column]);
          const isIri = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
          return el("td", isIri ? { class: "iri" } : {}, text);
        }),
      ),
    );
    return el(
      "div",
      { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption },
      el("table", { class: "rows" }, el("caption", { text: caption }), el("thead", {}, head), el("tbody", {}, ...body)),
    );
  }

  function cannedQuery(query) {
    const id = `q-${query.name}`;
    const form = el("form", { class: "params", "aria-label": `Parameters of ${query.title}` });
    for (const parameter of query.parameters || []) {
      const inputId = `${id}-${parameter.name}`;
      const type = INPUT_TYPES[parameter.type] || "text";
      const label = el(
        "label",
        { for: inputId },
        parameter.name,
        " ",
        el("span", { class: "type", text: `(${parameter.type})` }),
        parameter.required ? el("span", { class: "required", text: " required" }) : null,
      );
      const descriptionId = parameter.description ? `${inputId}-help` : null;
      const input = el("input", {
        id: inputId,
        name: parameter.name,
        type,
        required: Boolean(parameter.required),
        step: type === "number" ? "1" : null,
        placeholder: parameter.type === "iri" ? "https://…" : null,
        inputmode: parameter.type === "iri" ? "url" : null,
        spellcheck: parameter.type === "iri" ? "false" : null,
        "aria-describedby": descriptionId,
      });
      if (parameter.default !== null && parameter.default !== undefined) {
        input.value = String(parameter.default);
      }
      form.append(
        el(
          "div",
          { class: "field" },
          label,
          input,
          descriptionId ? el("small", { id: descriptionId, text: parameter.description }) : null,
        ),
      );
    }

    const csv = el("a", { class: "csv", href: `/api/queries/${encodeURIComponent(query.name)}?format=csv` }, "CSV");
    const run = el("button", { type: "submit", class: "run" }, "Run");
    form.append(el("div", { class: "actions" }, run, " ", csv));
    const result = el("div", { class: "result", "aria-live": "polite" });

    const updateCsv = () => {
      csv.href = queryUrl(query.name, form, "csv");
    };
    form.addEventListener("input", updateCsv);
    updateCsv();

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      updateCsv();
      run.disabled = true;
      result.replaceChildren(el("p", { class: "status", text: "Running…" }));
      try {
        const response = await fetch(queryUrl(query.name, form, "rows"), {
          headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          result.replaceChildren(el("p", { class: "error", role: "alert", text: await errorText(response) }));
          return;
        }
        const rows = await response.json();
        const count = `${rows.length} row${rows.length === 1 ? "" : "s"}`;
        result.replaceChildren(
          rows.length
            ? rowsTable(rows, `${query.title}: ${count}`)
            : el("p", { class: "status", text: "No rows." }),
        );
      } catch (error) {
        result.replaceChildren(el("p", { class: "error", role: "alert", text: `Request failed: ${error}` }));
      } finally {
        run.disabled = false;
      }
    });

    return el(
      "details",
      { class: "canned", id, "data-name": query.name },
      el("summary", {}, el("span", { class: "title", text: query.title }), " ", el("code", { text: query.name })),
      el("p", { class: "description", text: query.description }),
      form,
      result,
    );
  }

  async function loadCannedQueries() {
    const status = document.getElementById("canned-status");
    const list = document.getElementById("canned");
    try {
      const response = await fetch("/api/queries", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(await errorText(response));
      const queries = await response.json();
      list.replaceChildren(...queries.map(cannedQuery));
      status.textContent = `${queries.length} canned quer${queries.length === 1 ? "y" : "ies"}: open one to set its parameters and run it.`;
    } catch (error) {
      status.textContent = `Could not load the canned queries: ${error.message || error}`;
      status.classList.add("error");
    }
  }

  setUpEditor();
  loadCannedQueries();
})();
