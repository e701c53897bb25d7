"""SSH keys made by ssh-keygen for a test, as a user would make them.

    key = make_key(tmpdir, "ed25519")          # key.private_path, key.private, key.public, key.fingerprint
    key = make_key(tmpdir, "rsa", bits=2048, pem=True)

`fingerprint` is ssh-keygen's SHA256 fingerprint with the base64 padding AWS
writes ("SHA256:...="), so it compares with HostKeyFingerprint as is.
"""
import os
import subprocess
from dataclasses import dataclass

_count = 0


@dataclass
class Key:
    private_path: str
    private: str
    public: str
    fingerprint: str


def padded(fingerprint):
    body = fingerprint[len("SHA256:"):]
    return "SHA256:" + body + "=" * (-len(body) % 4)


def make_key(directory, kind, bits=None, pem=False, passphrase="", comment=None):
    global _count
    _count += 1
    path = os.path.join(directory, f"key{_count}_{kind}")
    command = ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-f", path, "-C", comment or f"{kind}@test"]
    if bits:
        command += ["-b", str(bits)]
    if pem:
        command += ["-m", "PEM"]
    subprocess.run(command, check=True, capture_output=True)
    printed = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", path + ".pub"], check=True,
                             capture_output=True, text=True).stdout.split()[1]
    with open(path) as f:
        private = f.read()
    with open(path + ".pub") as f:
        public = f.read().strip()
    return Key(path, private, public, padded(printed))
