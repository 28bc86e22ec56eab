"""Pacing Play when many learners share one server process: the more play at once, the longer
each one's tick interval, and the more steps each tick trains."""

from __future__ import annotations

import math
import time

import streamlit as st

PLAY_INTERVAL = 0.2  # seconds between Play ticks of one learner on a quiet server
FULL_SPEED_PLAYERS = 4  # learners at full speed: one playing costs the server about 20% of a core (GIL: 1 in all)
PLAYER_TIMEOUT = 3.0  # a learner with no tick for this long is no longer playing


def pace(players: int) -> int:
    """How many times longer each learner's Play tick interval is, when ``players`` learners play
    at once: 1 up to FULL_SPEED_PLAYERS, then in proportion. Each tick then trains that many
    times more steps, so training keeps its speed while the page redraws less often: redrawing,
    not training, is what a tick mostly costs (about 50 ms against 1 ms per step)."""
    return max(1, math.ceil(players / FULL_SPEED_PLAYERS))


@st.cache_resource
def _players() -> dict[str, float]:
    """Process-wide: each playing session's key and the time of its last tick."""
    return {}


def play_pace(session: str) -> int:
    """``pace`` of the learners who played in the last PLAYER_TIMEOUT seconds, ``session`` included."""
    now, players = time.time(), _players()
    for key, seen in list(players.items()):
        if now - seen > PLAYER_TIMEOUT:
            players.pop(key, None)
    return pace(len(players | {session: now}))


def mark_playing(session: str) -> None:
    _players()[session] = time.time()
