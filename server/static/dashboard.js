// The newsgraph dashboard: every number is fetched from a canned query endpoint,
// GET /api/queries/NAME?format=json (SPARQL JSON results), or from GET /api/search.
// Each panel's link shows the exact call it made, with the filters as parameters.
"use strict";

(function () {
  // CAMEO's twenty root concepts, to name the kinds the timeline stacks (labels, not numbers).
  const CAMEO_ROOTS = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate",
    "04": "Consult", "05": "Diplomatic cooperation", "06": "Material cooperation",
    "07": "Provide aid", "08": "Yield", "09": "Investigate", "10": "Demand",
    "11": "Disapprove", "12": "Reject", "13": "Threaten", "14": "Protest",
    "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce", "18": "Assault",
    "19": "Fight", "20": "Use unconventional mass violence",
  };
  const TOP = 12;
  const state = { since: "", until: "", source: "", actor: "" };
  const charts = {};
  let profileActor = "";
  let generation = 0;

  function url(path, params) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params || {})) {
      if (value) query.set(name, value);
    }
    return `${path}?${query}`;
  }

  function canned(name, params) {
    return url(`/api/queries/${name}`, { format: "json", ...params });
  }

  async function fetchJson(address) {
    const response = await fetch(address, { headers: { Accept: "application/json" } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || `${address} answered ${response.status}`);
    return body;
  }

  // SPARQL JSON results as plain objects: {variable: value}.
  async function rows(address) {
    const body = await fetchJson(address);
    return body.results.bindings.map((binding) =>
      Object.fromEntries(Object.entries(binding).map(([name, term]) => [name, term.value])));
  }

  function filters() {
    return { since: state.since, until: state.until, source: state.source, actor: state.actor };
  }

  function chartOf(panel) {
    const element = panel.querySelector(".chart");
    if (!charts[panel.dataset.panel]) charts[panel.dataset.panel] = echarts.init(element);
    return charts[panel.dataset.panel];
  }

  // Load one panel: fetch its rows, draw them, say how many there are.
  async function load(name, address, draw) {
    const panel = document.querySelector(`[data-panel="${name}"]`);
    const status = panel.querySelector(".status");
    panel.querySelector("a.endpoint").href = address;
    panel.dataset.state = "loading";
    try {
      const found = await rows(address);
      draw(panel, found);
      panel.dataset.rows = String(found.length);
      status.textContent = found.length ? `${found.length} rows` : "Nothing for these filters.";
      panel.dataset.state = "ready";
    } catch (error) {
      panel.dataset.rows = "0";
      panel.dataset.state = "error";
      status.textContent = `Could not load: ${error.message}`;
    }
  }

  function kindName(kind) {
    return CAMEO_ROOTS[kind] ? `${kind} ${CAMEO_ROOTS[kind]}` : kind;
  }

  function drawTimeline(panel, found) {
    const days = [...new Set(found.map((row) => row.day))].sort();
    const kinds = [...new Set(found.map((row) => row.kind))].sort();
    const series = kinds.map((kind) => ({
      name: kindName(kind),
      type: "bar",
      stack: "stories",
      data: days.map((day) => {
        const row = found.find((item) => item.day === day && item.kind === kind);
        return row ? Number(row.stories) : 0;
      }),
    }));
    chartOf(panel).setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 30 },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1, name: "stories" },
      series,
    }, true);
  }

  function drawRanking(key, iriKey, nameKey, label) {
    return (panel, found) => {
      const top = found.slice(0, TOP).reverse();
      const chart = chartOf(panel);
      chart.setOption({
        tooltip: {},
        grid: { left: 8, right: 30, top: 8, bottom: 24, containLabel: true },
        xAxis: { type: "value", minInterval: 1, name: label, nameLocation: "middle", nameGap: 22 },
        yAxis: { type: "category", data: top.map((row) => row[nameKey]) },
        series: [{
          type: "bar",
          data: top.map((row) => ({ value: Number(row[key]), iri: row[iriKey] })),
          label: { show: true, position: "right" },
        }],
      }, true);
      chart.off("click");
      chart.on("click", (event) => openProfile(event.data.iri, event.name));
    };
  }

  function drawNetwork(panel, found) {
    const nodes = new Map();
    const links = found.map((row) => {
      for (const [iri, name] of [[row.from, row.fromName], [row.to, row.toName]]) {
        const node = nodes.get(iri) || { id: iri, name, value: 0 };
        node.value += Number(row.count);
        nodes.set(iri, node);
      }
      const spoke = row.relation === "spoke about";
      return {
        source: row.from,
        target: row.to,
        value: Number(row.count),
        relation: row.relation,
        lineStyle: { color: spoke ? "#0b5cad" : "#c0392b", width: 1 + Math.log2(Number(row.count)) },
      };
    });
    const chart = chartOf(panel);
    chart.setOption({
      tooltip: {
        formatter: (item) => item.dataType === "edge"
          ? `${nodes.get(item.data.source).name} ${item.data.relation} `
            + `${nodes.get(item.data.target).name}: ${item.data.value}`
          : `${item.data.name}: ${item.data.value} links`,
      },
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        force: { repulsion: 260, edgeLength: [60, 140], gravity: 0.08 },
        edgeSymbol: ["none", "arrow"],
        label: { show: true, position: "right", fontSize: 11 },
        data: [...nodes.values()].map((node) => ({
          ...node, symbolSize: 6 + 3 * Math.sqrt(node.value),
        })),
        links,
      }],
    }, true);
    chart.off("click");
    chart.on("click", (event) => {
      if (event.dataType === "node") openProfile(event.data.id, event.data.name);
    });
  }

  // A source is often a path or a URL: its last part names it on the chart.
  function shortName(source) {
    const parts = String(source).split("/").filter(Boolean);
    return parts.length ? parts[parts.length - 1] : String(source);
  }

  function drawSources(panel, found) {
    chartOf(panel).setOption({
      tooltip: {
        formatter: (item) => `${item.name}: ${item.data.value} articles, `
          + `${item.data.statements} statements, ${item.data.events} events`,
      },
      legend: { type: "scroll", bottom: 0, formatter: shortName },
      series: [{
        type: "pie",
        radius: ["30%", "62%"],
        label: { formatter: (item) => shortName(item.name) },
        data: found.map((row) => ({
          name: row.origin, value: Number(row.articles),
          statements: row.statements, events: row.events,
        })),
      }],
    }, true);
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text === undefined ? "" : text;
    row.appendChild(td);
    return td;
  }

  function fill(tbody, found, columns) {
    tbody.replaceChildren();
    for (const item of found) {
      const tr = document.createElement("tr");
      for (const column of columns) cell(tr, typeof column === "function" ? column(item) : item[column]);
      tbody.appendChild(tr);
    }
    if (!found.length) cell(tbody.insertRow(), "None.");
  }

  function drawStories(panel, found) {
    fill(panel.querySelector("tbody"), found.slice(0, 15),
      ["label", (row) => kindName(row.kind), "date", "participants", "articles"]);
  }

  async function refresh() {
    generation += 1;
    document.body.dataset.loading = "yes";
    const params = filters();
    await Promise.all([
      load("timeline", canned("story_timeline", params), drawTimeline),
      load("actors", canned("dashboard_actors", params),
        drawRanking("articles", "mentioned", "name", "articles")),
      load("speakers", canned("dashboard_speakers", params),
        drawRanking("statements", "speaker", "speakerName", "statements")),
      load("network", canned("dashboard_network", params), drawNetwork),
      load("sources", canned("dashboard_sources", params), drawSources),
      load("stories", canned("stories", {}), drawStories),
    ]);
    document.body.dataset.generation = String(generation);
    delete document.body.dataset.loading;
  }

  function option(select, value, text) {
    const item = document.createElement("option");
    item.value = value;
    item.textContent = text;
    select.appendChild(item);
  }

  // The filter choices: every source and the most named actors, unfiltered.
  async function choices() {
    const [sources, actors] = await Promise.all([
      rows(canned("dashboard_sources", {})), rows(canned("dashboard_actors", {})),
    ]);
    for (const row of sources) option(document.getElementById("filter-source"), row.origin, row.origin);
    for (const row of actors.slice(0, 200)) {
      option(document.getElementById("filter-actor"), row.mentioned, row.name);
      option(document.getElementById("profile-second"), row.mentioned, row.name);
    }
  }

  async function openProfile(iri, name) {
    if (!iri) return;
    profileActor = iri;
    const profile = document.getElementById("profile");
    profile.hidden = false;
    profile.querySelector(".name").textContent = name || iri;
    const links = {
      ".profile-link": canned("actor_profile", { actor: iri }),
      ".statements-link": canned("statements_by_speaker", { speaker: iri }),
      ".stories-link": canned("actor_stories", { actor: iri }),
    };
    for (const [selector, address] of Object.entries(links)) {
      profile.querySelector(selector).href = address;
    }
    document.getElementById("profile-second").value = "";
    profile.querySelector(".between tbody").replaceChildren();
    const [facts, statements, stories] = await Promise.all(
      Object.values(links).map((address) => rows(address).catch(() => [])));
    const list = profile.querySelector(".facts");
    list.replaceChildren();
    const first = facts[0] || {};
    for (const key of ["name", "type", "wikidata", "aliases", "articles", "statements", "events"]) {
      if (first[key] === undefined) continue;
      const term = document.createElement("dt");
      term.textContent = key;
      const value = document.createElement("dd");
      value.textContent = first[key];
      list.append(term, value);
    }
    fill(profile.querySelector(".statements tbody"), statements.slice(0, 20),
      ["text", "cue", "published"]);
    fill(profile.querySelector(".stories tbody"), stories,
      ["label", (row) => kindName(row.kind), "date", (row) => `${row.sources} articles`]);
    profile.dataset.actor = iri;
    profile.scrollIntoView({ block: "nearest" });
  }

  async function between() {
    const second = document.getElementById("profile-second").value;
    const profile = document.getElementById("profile");
    const tbody = profile.querySelector(".between tbody");
    if (!second || !profileActor) {
      tbody.replaceChildren();
      return;
    }
    const address = canned("events_between", { first: profileActor, second });
    profile.querySelector(".between-link").href = address;
    const found = await rows(address).catch(() => []);
    fill(tbody, found, ["label", "cameo", "date", "article"]);
  }

  async function runSearch(event) {
    event.preventDefault();
    const panel = document.getElementById("search-results");
    const q = document.getElementById("search-q").value;
    const kind = document.getElementById("search-kind").value;
    const address = url("/api/search", { q, kind, limit: "20" });
    panel.hidden = false;
    panel.querySelector("a.endpoint").href = address;
    const list = panel.querySelector(".hits");
    list.replaceChildren();
    const status = panel.querySelector(".status");
    try {
      const body = await fetchJson(address);
      status.textContent = `${body.total} hits` + (body.total > body.hits.length ? `, the best ${body.hits.length}` : "");
      for (const hit of body.hits) {
        const item = document.createElement("li");
        const words = document.createElement("span");
        words.innerHTML = hit.snippet_html; // escaped by the server; only <mark> is markup
        const meta = document.createElement("div");
        meta.className = "meta";
        meta.textContent = `${hit.kind}${hit.who ? " · " + hit.who : ""} · ${hit.iri}`;
        item.append(words, meta);
        list.appendChild(item);
      }
      panel.dataset.hits = String(body.hits.length);
    } catch (error) {
      panel.dataset.hits = "0";
      status.textContent = `Search failed: ${error.message}`;
    }
  }

  function readFilters(event) {
    event.preventDefault();
    state.since = document.getElementById("filter-since").value;
    state.until = document.getElementById("filter-until").value;
    state.source = document.getElementById("filter-source").value;
    state.actor = document.getElementById("filter-actor").value;
    refresh();
  }

  document.getElementById("filters").addEventListener("submit", readFilters);
  document.getElementById("filters").addEventListener("reset", () => {
    Object.assign(state, { since: "", until: "", source: "", actor: "" });
    setTimeout(refresh, 0);
  });
  document.getElementById("search").addEventListener("submit", runSearch);
  document.getElementById("profile-second").addEventListener("change", between);
  document.querySelector("#profile .close").addEventListener("click", () => {
    document.getElementById("profile").hidden = true;
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((chart) => chart.resize()));

  window.newsgraphDashboard = { charts, state, openProfile, ready: Promise.all([choices(), refresh()]) };
})();
