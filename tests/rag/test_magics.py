"""%load_ext medkg, %medkg_store and %%cypher in a real IPython InteractiveShell on a real store."""

from __future__ import annotations

import pytest

from medkg.rag import magics

pytest.importorskip("IPython")

QUERY = (
    "MATCH (i:Image)-[r:POSITIVE]->(c:Concept) "
    "RETURN c.name AS concept, count(i) AS images ORDER BY images DESC, concept"
)


@pytest.fixture()
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    magics.use_store(None)
    yield ip
    magics.use_store(None)
    ip.run_cell("%unload_ext medkg")


def _run(ip, code: str):
    result = ip.run_cell(code)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    assert result.error_before_exec is None
    return result.result


def test_load_ext_and_cypher_on_a_store_directory(shell, ladybug_store):
    import pandas as pd

    _run(shell, "%load_ext medkg")
    assert "cypher" in shell.magics_manager.magics["cell"]
    assert "medkg_store" in shell.magics_manager.magics["line"]
    opened = _run(shell, f"%medkg_store {ladybug_store.path}")
    assert opened is magics.current_store()
    frame = _run(shell, f"%%cypher counts\n{QUERY}")
    expected = pd.DataFrame(
        {"concept": ["Atelectasis", "Cardiomegaly", "Pleural effusion"], "images": [3, 3, 3]}
    )
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert shell.user_ns["counts"] is frame
    opened.close()


def test_cypher_uses_the_store_given_in_python(shell, ladybug_store):
    _run(shell, "%load_ext medkg")
    magics.use_store(ladybug_store)
    frame = _run(shell, "%%cypher\nMATCH (c:Concept) RETURN c.cui AS cui ORDER BY cui")
    assert frame["cui"].tolist() == ["C0004144", "C0018800", "C0032227"]


def test_cypher_without_a_store_explains_what_to_do(shell):
    from medkg.errors import StoreError

    _run(shell, "%load_ext medkg")
    with pytest.raises(StoreError, match="no current store.*%medkg_store PATH"):
        _run(shell, "%%cypher\nMATCH (n) RETURN n")


def test_bad_variable_name(shell, ladybug_store):
    from medkg.errors import ConfigError

    _run(shell, "%load_ext medkg")
    magics.use_store(ladybug_store)
    with pytest.raises(ConfigError, match="not a variable name"):
        _run(shell, "%%cypher 1x\nMATCH (c:Concept) RETURN c.cui")
