"""An HTTPS client of the control API for the integration tests: curl inside
the appliance's namespace (the API listens on 127.0.0.1 there), verifying
the test certificate; first logins with the forced password change and TOTP
enrolment; accounts made with `trunkline user add`."""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import time

PORT = 8443


def make_api_certificate(directory, name="api"):
    """A self-signed certificate for 127.0.0.1: NAME-cert.pem, NAME-key.pem in `directory`."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", os.path.join(directory, name + "-key.pem"),
                    "-out", os.path.join(directory, name + "-cert.pem")],
                   check=True, capture_output=True)


def api_config(directory, port=PORT):
    """The [api] section, and a self-signed certificate for 127.0.0.1 made in `directory`."""
    make_api_certificate(directory)
    return """
[api]
enabled = true
listen = "127.0.0.1:%d"
cert_file = "%s/api-cert.pem"
key_file = "%s/api-key.pem"
""" % (port, directory, directory)


def wait_for_api(tb, c):
    """The API thread starts with the daemon."""
    for _ in range(50):
        if tb.app(["curl", "-s", "--cacert", c.cert,
                   "https://127.0.0.1:%d/api/v1/health/live" % PORT]).returncode == 0:
            return True
        time.sleep(0.1)
    return False


def totp(secret_b32, at=None):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[off:off + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % code


class Client:
    def __init__(self, tb):
        self.tb = tb
        self.cert = os.path.join(tb.dir, "api-cert.pem")

    def call(self, method, path, token=None, body=None, extra=()):
        args = ["curl", "-sS", "--cacert", self.cert, "-X", method, "-w", "\n%{http_code}",
                "https://127.0.0.1:%d%s" % (PORT, path), *extra]
        if token:
            args += ["-H", "Authorization: Bearer " + token]
        if body is not None:
            args += ["-H", "Content-Type: application/json",
                     "--data-binary", body if isinstance(body, str) else json.dumps(body)]
        r = self.tb.app(args, timeout=30)
        assert r.returncode == 0, r.stderr
        text, _, code = r.stdout.rpartition("\n")
        return int(code), text

    def json(self, method, path, token=None, body=None):
        code, text = self.call(method, path, token, body)
        try:
            return code, json.loads(text)
        except ValueError:
            return code, text

    def first_login(self, tenant, user, password, mfa):
        """Initial password → (TOTP enrolment) → change → full token."""
        code, r = self.json("POST", "/api/v1/login", body={"tenant": tenant, "user": user,
                                                            "password": password})
        assert code == 200, r
        token = r["token"]
        secret = None
        if mfa:
            assert r["restriction"] == "enrol_mfa"
            code, e = self.json("POST", "/api/v1/me/mfa/enrol", token)
            assert code == 200, e
            secret = e["secret_base32"]
            code, c = self.json("POST", "/api/v1/me/mfa/confirm", token, {"code": totp(secret)})
            assert code == 200, c
            assert len(c["recovery_codes"]) == 10
        code, p = self.json("POST", "/api/v1/me/password", token,
                            {"current": password, "new": "Changed-pw-" + user})
        assert code == 200, p
        return p["token"], secret


def user_add(tb, *args):
    r = subprocess.run([tb.binary, "user", "add", "--config", tb.config_path, *args],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return re.search(r"initial password.*: (\S+)$", r.stdout, re.M).group(1)
