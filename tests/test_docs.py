"""The README's generated parts match the code, so they cannot drift."""

from pathlib import Path

from newsgraph.settings import markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_readme_configuration_table_lists_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- settings -->")[1].split("<!-- /settings -->")[0].strip()
    assert block == markdown_table(), (
        "regenerate the table with newsgraph.settings.markdown_table()"
    )
