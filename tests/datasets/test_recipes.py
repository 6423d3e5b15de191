from pathlib import Path

import pytest

from medkg._resources import data_dir
from medkg.datasets import READERS, Recipe, load_recipe, read, recipe_names
from medkg.errors import ConfigError, InputFileError

FIXTURES = Path(__file__).parent / "fixtures"


def test_shipped_recipes_resolve_by_name():
    assert recipe_names() == ["generic", "medmkg", "mimic-cxr", "mimic-style", "openi"]
    for name in recipe_names():
        recipe = load_recipe(name)
        assert isinstance(recipe, Recipe) and recipe.name == name and recipe.reader in READERS
        assert recipe.path == data_dir("builders") / f"{name.replace('-', '_')}.py"
        assert recipe.graph_options["sections"] == ["findings", "impression"]
    medmkg = load_recipe("medmkg")
    assert (medmkg.graph_options["preset"], medmkg.graph_options["image_policy"]) == ("medmkg", "one_frontal")
    assert load_recipe("openi").graph_options["naf"] == {"budget": None, "k": 1, "skip_if_nothing_new": False}


def test_copied_and_edited_recipe_by_path(tmp_path):
    text = (data_dir("builders") / "generic.py").read_text()
    text = text.replace('"text_columns": ["findings", "impression"]', '"text_columns": ["text"]')
    recipe_file = tmp_path / "my_recipe.py"
    recipe_file.write_text(text)
    assert load_recipe(recipe_file).reader_options["text_columns"] == ["text"]
    data = tmp_path / "r.csv"
    data.write_text("id,text\n7,Clear lungs.\n")
    [record] = read(str(recipe_file), data)
    assert record.sections == {"text": "Clear lungs."}


def test_bad_recipes(tmp_path):
    with pytest.raises(ConfigError, match="unknown recipe 'nope'"):
        load_recipe("nope")
    with pytest.raises(InputFileError):
        load_recipe(tmp_path / "missing.py")
    broken = tmp_path / "broken.py"
    broken.write_text("RECIPE = 1 / 0\n")
    with pytest.raises(ConfigError, match="ZeroDivisionError") as info:
        load_recipe(broken)
    assert info.value.path == str(broken)
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n")
    with pytest.raises(ConfigError, match="no RECIPE"):
        load_recipe(empty)
    wrong = tmp_path / "wrong.py"
    wrong.write_text("from medkg.datasets import Recipe\nRECIPE = Recipe('x', 'pdf')\n")
    with pytest.raises(ConfigError, match="unknown reader 'pdf'"):
        load_recipe(wrong)


def test_read_by_name_uses_recipe_defaults():
    assert [r.report_id for r in read("openi", FIXTURES / "openi_kaggle")] == ["1", "2", "3"]
    assert [r.report_id for r in read("medmkg", FIXTURES / "openi_kaggle")] == ["1", "2", "3"]


def test_graph_options_are_accepted_by_the_graph_builder():
    from medkg.graph.options import options_from_settings

    for name in recipe_names():
        options, naf = options_from_settings(load_recipe(name).graph_options)
        assert options.sections == frozenset({"findings", "impression"})
    options, naf = options_from_settings(load_recipe("medmkg").graph_options)
    assert (options.image_policy, options.drop_neutral, len(options.excluded_semantic_types)) == (
        "one_frontal",
        True,
        26,  # MEDMKG's 25 TUIs + T184 (signs and symptoms are never image edges)
    )
    assert naf == {"budget": None, "k": 1, "skip_if_nothing_new": False}
