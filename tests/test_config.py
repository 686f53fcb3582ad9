from pathlib import Path

import pytest

from tussenstand.config import ConfigError, load_config


def write_project(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "tussenstand.yml").write_text(text, encoding="utf-8")
    return root


GOOD = "periodes: [2024-H1, 2026-H1]\nnotebooks: [a.ipynb]\n"


def test_cbs_dir_precedence_option_env_file(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p", GOOD + "cbs_dir: uit/bestand\n")
    assert load_config(root).cbs_dir == (root / "uit" / "bestand").resolve()
    monkeypatch.setenv("TUSSENSTAND_CBS_DIR", "../gedeeld/cbs")
    # relative to the project root, wherever the process runs (a notebook kernel runs elsewhere)
    monkeypatch.chdir(tmp_path)
    assert load_config(root).cbs_dir == (tmp_path / "gedeeld" / "cbs").resolve()
    assert load_config(root, cbs_dir="optie").cbs_dir == (tmp_path / "optie").resolve()


@pytest.mark.parametrize(
    "text, message",
    [
        ("periodes: [2026-H3]\nnotebooks: [a.ipynb]\n", "ongeldige periode '2026-H3'"),
        ("periodes: []\nnotebooks: [a.ipynb]\n", "'periodes' is leeg"),
        (GOOD + "onthulling: {drempel: 0}\n", "onthulling.drempel"),
        ("periodes: [2024\n", "geen geldige YAML"),
    ],
)
def test_bad_config_names_file_and_field(tmp_path, text, message):
    root = write_project(tmp_path / "p", text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")) as info:
        load_config(root)
    assert "tussenstand.yml" in str(info.value)


def test_project_root_is_found_upwards(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p", GOOD)
    (root / "notebooks").mkdir()
    monkeypatch.chdir(root / "notebooks")
    assert load_config().root == root.resolve()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="geen tussenstand.yml"):
        load_config()
