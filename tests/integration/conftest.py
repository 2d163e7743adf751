import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from testbed import Testbed  # noqa: E402


def build_dir():
    return os.environ.get("TL_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))


@pytest.fixture(scope="module")
def appliance():
    """The appliance on a fresh test network, with the peer's wire captured.
    Short neighbour timers so that re-probing after ageing shows in a test."""
    with Testbed(build_dir(), capture=True,
                 neighbour={"reachable_ms": 1500, "retransmit_ms": 300, "max_probes": 3}) as tb:
        yield tb


@pytest.fixture
def binary():
    return os.path.join(build_dir(), "trunkline")
