"""Start-up errors, a clean stop on SIGTERM, and a second daemon refused."""

import os
import subprocess

from conftest import build_dir
from testbed import Testbed


def test_unknown_config_key_stops_startup_naming_key_and_line(binary, tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[[ports]]\nname = "p"\ndevice = "net_null0"\n\n[dataplane]\nburst = 32\n')
    r = subprocess.run([binary, "serve", "--config", str(cfg)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2
    assert "bad.toml:6:" in r.stderr and "'dataplane.burst'" in r.stderr
    assert "unknown key" in r.stderr


def test_wrong_device_is_a_clear_startup_error(binary, tmp_path):
    cfg = tmp_path / "t.toml"
    cfg.write_text(f"""[eal]
args = ["--no-huge", "--no-pci", "--no-telemetry"]
file_prefix = "tl-bad-{os.getpid()}"
[[ports]]
name = "p"
device = "0000:99:00.0"
[paths]
store = "{tmp_path}/t.db"
control_socket = "{tmp_path}/c.sock"
""")
    r = subprocess.run([binary, "serve", "--config", str(cfg)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    assert "port 'p' (0000:99:00.0): no such DPDK device" in r.stderr


def test_sigterm_stops_cleanly_and_the_socket_is_removed():
    tb = Testbed(build_dir(), name="tl%d" % (os.getpid() % 10000 + 50000))
    with tb:
        assert tb.stats()["ports"] == 1
        second = subprocess.run(
            ["ip", "netns", "exec", tb.app_ns, tb.binary, "serve", "--config", tb.config_path],
            capture_output=True, text=True, timeout=60)
        assert second.returncode != 0, "a second daemon on the same prefix/socket is refused"
        rc = tb.stop()
        assert rc == 0, tb.log()
        assert "event=stopped" in tb.log()
        assert not os.path.exists(tb.socket)
