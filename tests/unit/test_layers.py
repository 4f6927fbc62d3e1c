"""The import rules between our packages, read from the source with ``ast`` (see module_graph).

- ``callcenter`` reaches the web adapter (``agent_desktop``) only in its composition root;
- no import cycle between any of our modules (lazy and TYPE_CHECKING imports count);
- the pure cores (``acd``, ``ivr_flows``) import no I/O library and none of our adapters; the ACD's
  Redis store is its one adapter module, named here as the exception.
"""

from __future__ import annotations

from tests.unit.module_graph import cycles, import_graph, imported_names, our_modules

COMPOSITION_ROOT = "callcenter.composition"
CORE_PACKAGES = ("acd", "ivr_flows")
CORE_ADAPTERS = frozenset({"acd.redis_store"})  # acd.store's Redis adapter
FORBIDDEN_IN_CORES = (
    "asyncio",
    "socket",
    "sqlalchemy",
    "redis",
    "fastapi",
    "starlette",
    "httpx",
    "uvicorn",
    "panoramisk",
    "agent_desktop",
    "callcenter",
    "crm_core.db",
    "crm_core.models",
    "recorder",
)


def _is_under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_only_the_composition_root_of_callcenter_imports_the_web_app() -> None:
    offenders = sorted(
        f"{name} imports {imported}"
        for name, module in our_modules().items()
        if _is_under(name, "callcenter") and name != COMPOSITION_ROOT
        for imported, _names in imported_names(module)
        if _is_under(imported, "agent_desktop")
    )
    assert offenders == []


def test_the_composition_root_exists_and_is_the_one_that_wires_the_web_app() -> None:
    root = our_modules()[COMPOSITION_ROOT]
    assert any(_is_under(imported, "agent_desktop") for imported, _names in imported_names(root))


def test_there_is_no_import_cycle_between_our_modules() -> None:
    assert cycles(import_graph(our_modules())) == []


def test_the_pure_cores_import_no_io_and_none_of_our_adapters() -> None:
    offenders = sorted(
        f"{name} imports {imported}"
        for name, module in our_modules().items()
        if name.split(".")[0] in CORE_PACKAGES and name not in CORE_ADAPTERS
        for imported, _names in imported_names(module)
        if any(_is_under(imported, forbidden) for forbidden in FORBIDDEN_IN_CORES)
    )
    assert offenders == []


def test_the_checker_sees_a_cycle_and_a_core_adapter_when_there_is_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    redis_store = our_modules()["acd.redis_store"]
    assert any(_is_under(imported, "redis") for imported, _names in imported_names(redis_store))
