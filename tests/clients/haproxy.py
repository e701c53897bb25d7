"""haproxy (Debian's) in front of several gateways, as a team would deploy
it: round robin over the gateways, a health check on /_gateway/health, a
request retried on another gateway when one is down. Runs in the foreground
from a temporary directory, stopped and removed at close.

    with Haproxy([gw1.url, gw2.url, gw3.url]) as lb:
        transfer(lb)          # lb.url is the one endpoint
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

CONFIG = """global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 2
  option redispatch
  option http-server-close
frontend gateways
  bind 127.0.0.1:{port}
  default_backend gateways
backend gateways
  balance roundrobin
  option httpchk GET /_gateway/health
{servers}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Haproxy:
    def __init__(self, backends, binary="/usr/sbin/haproxy"):
        self.backends = backends
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="gateway-haproxy-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def __enter__(self):
        servers = "\n".join(f"  server g{i} {url.split('://')[1]} check inter 300 fall 1 rise 1"
                            for i, url in enumerate(self.backends, 1))
        config = os.path.join(self.dir, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(CONFIG.format(port=self.port, servers=servers))
        self.proc = subprocess.Popen([self.binary, "-f", config, "-db"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"haproxy did not start: {self.proc.stderr.read() if self.proc.poll() is not None else 'timeout'}")
                time.sleep(0.05)

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
        return False
