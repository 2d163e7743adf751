"""A test network for the real appliance: two network namespaces joined by a
veth pair, `trunkline serve` on net_af_packet in one, real peers in the other.

    with Testbed(build_dir) as tb:
        tb.peer(["ping", "-c", "1", tb.APP4])
        tb.stats()["dataplane_icmp_echo_reply_out"]

Addresses are documentation prefixes only: 198.51.100.0/24 and
2001:db8:100::/64, inside namespaces this module creates and deletes.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time


class Testbed:
    __test__ = False  # not a pytest test class

    APP4 = "198.51.100.1"
    PEER4 = "198.51.100.10"
    APP6 = "2001:db8:100::1"
    PEER6 = "2001:db8:100::10"
    APP_MAC = "02:54:4c:00:00:01"

    def __init__(self, build_dir, name=None, neighbour=None, workers=(1,), capture=False,
                 sip=None, extra_peer4=(), provision=None, media=None, extra_config="",
                 recorder=None, nas=False, device_args="", dataplane=None):
        self.build_dir = os.path.abspath(build_dir)
        self.binary = os.path.join(self.build_dir, "trunkline")
        tag = name or "tl%d" % (os.getpid() % 100000)
        self.app_ns = tag + "-app"
        self.peer_ns = tag + "-peer"
        self.app_if = "tl-app0"
        self.peer_if = "tl-peer0"
        self.exc_if = "tl-exc0"
        self.tag = tag
        # Extra net_af_packet arguments (",framecnt=4096") and [dataplane] keys.
        self.device_args = device_args
        self.dataplane = {"idle_polls_before_sleep": 64, "idle_sleep_us": 200}
        self.dataplane.update(dataplane or {})
        self.neighbour = neighbour or {}
        self.sip = {"port": 5060, "shards": 1, "test_responder": True}
        self.sip.update(sip or {})
        self.workers = list(workers)
        # More IPv4 hosts on the peer side (agents' phones, a second carrier).
        self.extra_peer4 = list(extra_peer4)
        # A provisioning file (TOML text) applied to the store before start.
        self.provision = provision
        self.media = {"port_min": 20000, "port_max": 20999}
        self.media.update(media or {})
        self.extra_config = extra_config  # more TOML sections ([calls], [registrar] ...)
        # [recorder] keys (a dict, maybe empty) to record calls, with a master
        # key and key directory made here; None: recording off.
        self.recorder = recorder
        # Two NAS mirrors (plain directories here) for the recordings.
        self.nas = nas
        self.capture = capture
        self.dir = tempfile.mkdtemp(prefix="trunkline-%s-" % tag)
        self.config_path = os.path.join(self.dir, "trunkline.toml")
        self.socket = os.path.join(self.dir, "control.sock")
        self.log_path = os.path.join(self.dir, "trunkline.log")
        self.pcap = os.path.join(self.dir, "peer.pcap")
        self.daemon = None
        self._capture_proc = None
        self._log = None

    # -- network -------------------------------------------------------------
    def _run(self, args, check=True, **kw):
        return subprocess.run(args, check=check, capture_output=True, text=True, **kw)

    def create_network(self):
        self.delete_network()
        self._run(["ip", "netns", "add", self.app_ns])
        self._run(["ip", "netns", "add", self.peer_ns])
        a, p = self.tag + "a", self.tag + "p"  # unique names in the root namespace
        self._run(["ip", "link", "add", a, "type", "veth", "peer", "name", p])
        self._run(["ip", "link", "set", a, "netns", self.app_ns])
        self._run(["ip", "link", "set", p, "netns", self.peer_ns])
        app = ["ip", "netns", "exec", self.app_ns]
        peer = ["ip", "netns", "exec", self.peer_ns]
        self._run(app + ["ip", "link", "set", a, "name", self.app_if])
        self._run(peer + ["ip", "link", "set", p, "name", self.peer_if])
        # The appliance's veth belongs to DPDK: the kernel behind it must not
        # answer ARP or run IPv6 on it.
        self._run(app + ["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % self.app_if])
        self._run(app + ["ip", "link", "set", self.app_if, "arp", "off", "up"])
        self._run(app + ["ip", "link", "set", "lo", "up"])
        self._run(peer + ["ip", "link", "set", "lo", "up"])
        self._run(peer + ["ip", "addr", "add", self.PEER4 + "/24", "dev", self.peer_if])
        self._run(peer + ["ip", "-6", "addr", "add", self.PEER6 + "/64", "dev", self.peer_if, "nodad"])
        for a in self.extra_peer4:
            self._run(peer + ["ip", "addr", "add", a + "/24", "dev", self.peer_if])
        # veth leaves checksums to "hardware" and would hand af_packet frames
        # with partial checksums; a real peer's NIC fills them in.
        self._run(peer + ["ethtool", "-K", self.peer_if, "tx", "off", "tso", "off", "gso", "off"])
        self._run(peer + ["ip", "link", "set", self.peer_if, "up"])

    def delete_network(self):
        for ns in (self.app_ns, self.peer_ns):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)

    # -- appliance -----------------------------------------------------------
    def _more_sip_keys(self):
        """[sip] keys beyond the four every testbed writes (tcp_port, tls_* ...)."""
        fixed = ("port", "shards", "queue_depth", "test_responder")
        return "\n".join("%s = %s" % (k, json.dumps(v)) for k, v in self.sip.items()
                         if k not in fixed)

    def config_text(self):
        n = self.neighbour
        return f"""
[eal]
args = ["--no-huge", "--no-pci", "--no-telemetry", "--log-level=lib.eal:warning"]
file_prefix = "{self.tag}"
memory_mb = 256

[lcores]
main = 0
workers = {json.dumps(self.workers)}

[dataplane]
idle_polls_before_sleep = {self.dataplane["idle_polls_before_sleep"]}
idle_sleep_us = {self.dataplane["idle_sleep_us"]}
mbufs = 4095

[neighbour]
reachable_ms = {n.get("reachable_ms", 30000)}
retransmit_ms = {n.get("retransmit_ms", 1000)}
max_probes = {n.get("max_probes", 3)}

[[ports]]
name = "trunk0"
device = "net_af_packet0,iface={self.app_if}{self.device_args}"
mac = "{self.APP_MAC}"
ipv4 = ["{self.APP4}/24"]
ipv6 = ["{self.APP6}/64"]
resolve = {json.dumps([self.PEER4, self.PEER6] + self.extra_peer4)}
kernel_interface = "{self.exc_if}"

[sip]
port = {self.sip["port"]}
shards = {self.sip["shards"]}
queue_depth = {self.sip.get("queue_depth", 1024)}
test_responder = {str(self.sip["test_responder"]).lower()}
{self._more_sip_keys()}

[media]
port_min = {self.media["port_min"]}
port_max = {self.media["port_max"]}

[paths]
store = "{self.dir}/trunkline.db"
control_socket = "{self.socket}"
spool = "{self.dir}/spool"
{self.recorder_config()}
{self.nas_config()}
{self.extra_config}
"""

    @property
    def spool(self):
        return os.path.join(self.dir, "spool")

    @property
    def key_dir(self):
        return os.path.join(self.dir, "keys")

    @property
    def master_key(self):
        return os.path.join(self.dir, "master.key")

    @property
    def mirrors(self):
        return [os.path.join(self.dir, "mirror-a"), os.path.join(self.dir, "mirror-b")]

    def nas_config(self):
        if not self.nas:
            return ""
        return "[nas]\nmirrors = %s\nprobe_interval_s = 1\n" % json.dumps(self.mirrors)

    def recorder_config(self):
        if self.recorder is None:
            return ""
        lines = ["[recorder]", "enabled = true", 'key_dir = "%s"' % self.key_dir,
                 'master_key_file = "%s"' % self.master_key]
        lines += ["%s = %s" % (k, json.dumps(v)) for k, v in self.recorder.items()]
        return "\n".join(lines) + "\n"

    @property
    def store_path(self):
        return os.path.join(self.dir, "trunkline.db")

    def start(self, timeout=30):
        with open(self.config_path, "w") as f:
            f.write(self.config_text())
        if self.provision is not None:
            path = os.path.join(self.dir, "provision.toml")
            with open(path, "w") as f:
                f.write(self.provision)
            self._run([self.binary, "provision", path, "--store", self.store_path])
        if self.nas:
            for m in self.mirrors:
                os.makedirs(m, exist_ok=True)
        if self.recorder is not None and not os.path.exists(self.master_key):
            self._run([self.binary, "recording", "master-key", self.master_key])
        if self.capture and self._capture_proc is None:
            self._capture_proc = subprocess.Popen(
                ["ip", "netns", "exec", self.peer_ns, "tcpdump", "-U", "-n", "-i", self.peer_if,
                 "-w", self.pcap], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._wait_for(lambda: os.path.exists(self.pcap), 10, "tcpdump to start")
        self._log = open(self.log_path, "a")
        self.daemon = subprocess.Popen(
            ["ip", "netns", "exec", self.app_ns, self.binary, "serve", "--config", self.config_path],
            stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_for(self._ready, timeout, "trunkline to answer on its control socket")

    def _ready(self):
        if self.daemon.poll() is not None:
            raise RuntimeError("trunkline exited with %d:\n%s" % (self.daemon.returncode, self.log()))
        r = subprocess.run([self.binary, "stats", "--socket", self.socket, "--json"],
                           capture_output=True, text=True)
        return r.returncode == 0

    def _wait_for(self, cond, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if cond():
                return
            time.sleep(0.1)
        raise TimeoutError("timed out waiting for " + what + "\n" + self.log())

    def stop(self, timeout=20):
        """SIGTERM, then the exit code."""
        rc = None
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            try:
                rc = self.daemon.wait(timeout)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                rc = self.daemon.wait()
        elif self.daemon is not None:
            rc = self.daemon.returncode
        if self._capture_proc is not None:
            self._capture_proc.terminate()
            self._capture_proc.wait(10)
            self._capture_proc = None
        if self._log:
            self._log.close()
            self._log = None
        return rc

    def kill9(self):
        """SIGKILL the daemon (a crash); start() brings it back on the same files."""
        self.daemon.send_signal(signal.SIGKILL)
        self.daemon.wait(10)
        if self._log:
            self._log.close()
            self._log = None

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def stats(self):
        r = self._run([self.binary, "stats", "--socket", self.socket, "--json"])
        doc = json.loads(r.stdout)
        return {c["name"]: c["total"] for c in doc["counters"]}

    # -- peers ---------------------------------------------------------------
    def peer(self, args, check=False, timeout=60, **kw):
        return subprocess.run(["ip", "netns", "exec", self.peer_ns] + args, check=check,
                              capture_output=True, text=True, timeout=timeout, **kw)

    def app(self, args, check=False, timeout=60, **kw):
        return subprocess.run(["ip", "netns", "exec", self.app_ns] + args, check=check,
                              capture_output=True, text=True, timeout=timeout, **kw)

    def peer_popen(self, args, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.peer_ns] + args, **kw)

    def app_popen(self, args, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.app_ns] + args, **kw)

    def tshark(self, display_filter, fields, extra=()):
        """Rows of `fields` for packets of the peer's capture matching the filter."""
        args = ["tshark", "-r", self.pcap, "-o", "ip.check_checksum:TRUE", *extra,
                "-Y", display_filter, "-T", "fields"]
        for f in fields:
            args += ["-e", f]
        r = self._run(args, check=False)
        if r.returncode != 0:
            raise RuntimeError("tshark failed: " + r.stderr)
        return [line.split("\t") for line in r.stdout.splitlines() if line.strip()]

    # -- context manager -----------------------------------------------------
    def __enter__(self):
        self.create_network()
        try:
            self.start()
        except Exception:
            self.stop()
            self.delete_network()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        self.delete_network()
        if exc_type is None and not os.environ.get("TL_KEEP_TESTBED"):
            shutil.rmtree(self.dir, ignore_errors=True)  # kept (log, pcap) when something failed
        return False
