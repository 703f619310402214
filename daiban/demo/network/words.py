"""Word lists for the demo network's names (``data/network/words.json``).

Names are built from common pieces, so they read like places and people in Hohhot without pointing at
anyone or anywhere in particular; the real places the newspaper report mentions are pinned in
``data/network/network.json``.
"""

from __future__ import annotations

from typing import Any

from daiban.demo.files import read_json

_words: dict[str, Any] = read_json("network/words.json")

# Common surnames, most frequent first; the loader weights earlier entries more heavily.
SURNAMES: tuple[str, ...] = tuple(_words["surnames"])
# Characters for Han given names (one or two of them), by the gender they usually suggest.
GIVEN_MALE: tuple[str, ...] = tuple(_words["given_male"])
GIVEN_FEMALE: tuple[str, ...] = tuple(_words["given_female"])
# Mongolian given names, used alone as is customary, or after a surname such as 包, 云, 白 or 奇.
MONGOLIAN_NAMES: tuple[str, ...] = tuple(_words["mongolian_names"])
MONGOLIAN_SURNAMES: tuple[str, ...] = tuple(_words["mongolian_surnames"])
# Urban communities (社区): cores, optionally with a direction or a second character.
COMMUNITY_CORES: tuple[str, ...] = tuple(_words["community_cores"])
COMMUNITY_SUFFIXES: tuple[str, ...] = tuple(_words["community_suffixes"])
# Rural villages (村): a prefix and a landform, or an old name of Mongolian origin.
VILLAGE_PREFIXES: tuple[str, ...] = tuple(_words["village_prefixes"])
VILLAGE_CORES: tuple[str, ...] = tuple(_words["village_cores"])
VILLAGE_OLD_NAMES: tuple[str, ...] = tuple(_words["village_old_names"])
ROADS: tuple[str, ...] = tuple(_words["roads"])
# Titles. Heads come first in each organisation; the rest are drawn with the attribute they imply.
TITLES_CENTRE: tuple[str, ...] = tuple(_words["titles_centre"])
TITLES_STATION: tuple[str, ...] = tuple(_words["titles_station"])
TITLES_CITY: tuple[str, ...] = tuple(_words["titles_city"])
