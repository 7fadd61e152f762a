"""The console's real password hasher. The test processes hash at argon2's cheapest profile (tests/conftest.py), so
these checks use the hasher the console ships with, kept in REAL_HASHER."""

from __future__ import annotations

from argon2 import Type, extract_parameters, profiles

from console.staff import passwords
from tests.conftest import REAL_HASHER


def test_the_console_hashes_with_argon2id_at_rfc_9106_low_memory_strength() -> None:
    wanted = profiles.RFC_9106_LOW_MEMORY
    assert REAL_HASHER.type is Type.ID
    assert REAL_HASHER.memory_cost >= wanted.memory_cost == 65_536  # KiB: 64 MiB
    assert REAL_HASHER.time_cost >= wanted.time_cost
    assert REAL_HASHER.parallelism == wanted.parallelism
    assert REAL_HASHER.salt_len >= 16 and REAL_HASHER.hash_len >= 32


def test_a_real_hash_round_trips_and_a_cheap_hash_would_be_rehashed() -> None:
    stored = REAL_HASHER.hash("correct horse battery staple")
    params = extract_parameters(stored)
    assert (params.type, params.memory_cost, params.time_cost) == (Type.ID, 65_536, 3)
    assert REAL_HASHER.verify(stored, "correct horse battery staple")
    cheap = passwords._hasher.hash("correct horse battery staple")  # what the test processes store
    assert REAL_HASHER.check_needs_rehash(cheap)  # a sign-in on the real console would upgrade it
    assert not REAL_HASHER.check_needs_rehash(stored)


def test_the_test_processes_hash_cheaply_but_verify_the_same_way() -> None:
    stored = passwords.hash_password("correct horse battery staple")
    assert passwords.verify_password(stored, "correct horse battery staple")
    assert not passwords.verify_password(stored, "wrong horse battery staple")
    assert not passwords.verify_password(None, "correct horse battery staple")
