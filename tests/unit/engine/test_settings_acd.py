"""``acd:`` in the settings: where the ACD keeps its state, with a clear error for a bad Redis URL
or key prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.errors import ConfigError
from callcenter.settings import load_settings


def test_the_acd_store_is_in_memory_unless_the_site_chooses_redis(tmp_path: Path) -> None:
    assert load_settings().acd.store == "memory"
    config = tmp_path / "site.yaml"
    config.write_text(
        "acd:\n  store: redis\n  redis_url: redis://:pw@cache.local:6380/2\n  redis_prefix: site:a\n"
    )
    acd = load_settings(config).acd
    assert (acd.store, acd.redis_url, acd.redis_prefix) == (
        "redis",
        "redis://:pw@cache.local:6380/2",
        "site:a",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("acd:\n  store: mongo\n", "acd.store: Input should be 'memory' or 'redis'"),
        ("acd:\n  redis_url: http://cache.local\n", "must start with redis://, rediss:// or unix://"),
        ("acd:\n  redis_url: 'redis://'\n", "names no host"),
        ("acd:\n  redis_url: 'redis://cache.local:99999/0'\n", "has an invalid port"),
        ("acd:\n  redis_url: 'redis://cache.local/zero'\n", "the database after the host is a number"),
        ("acd:\n  redis_prefix: 'cc*'\n", "no spaces or wildcards"),
        ("acd:\n  redis_prefix: ''\n", "acd.redis_prefix ''"),
        ("acd:\n  redis_prefix: 'a::b'\n", "acd.redis_prefix 'a::b'"),
    ],
)
def test_a_bad_acd_section_gives_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "site.yaml"
    config.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert message in str(caught.value)
