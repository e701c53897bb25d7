"""Runs one gateway process: start on 127.0.0.1:0, read the URL from the one
line it prints, stop with SIGTERM. Its stderr goes to a file of its own (in a
temporary directory per process, so parallel workers share nothing), read
back when it fails to start, exits badly or crashes."""
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import weakref

from .errors import GatewayError, GatewayStartError

LISTENING = "lifecycle-gateway listening on "


def _kill_leftover(proc, workdir):
    """Called when a Gateway is garbage collected or at exit without stop()."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    shutil.rmtree(workdir, ignore_errors=True)


class Process:
    def __init__(self, command, workdir, start_timeout):
        self.command = command
        self.workdir = workdir
        self.stderr_path = os.path.join(workdir, "stderr.log")
        self._final_output = None
        with open(self.stderr_path, "wb") as err:
            try:
                self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=err, close_fds=True)
            except OSError as e:
                shutil.rmtree(workdir, ignore_errors=True)
                raise GatewayStartError(f"cannot run {command[0]}: {e}\ncommand: {' '.join(command)}") from e
        self._finalizer = weakref.finalize(self, _kill_leftover, self.proc, workdir)
        self.url = self._read_url(start_timeout)

    @property
    def pid(self):
        return self.proc.pid

    def output(self):
        """What the gateway printed on stderr so far (its access log, warnings, errors)."""
        if self._final_output is not None:
            return self._final_output
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def _read_url(self, timeout):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buf = b""
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail_start(f"printed no '{LISTENING}URL' line within {timeout:g} s", buf)
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    self.proc.wait()
                    self._fail_start(f"exited with {self._exit_text()} before it listened", buf)
                buf += chunk
        line = buf.split(b"\n", 1)[0].decode(errors="replace")
        if not line.startswith(LISTENING):
            self._fail_start(f"printed {line!r}, not '{LISTENING}URL'", buf)
        return line[len(LISTENING):].strip()

    def _exit_text(self):
        code = self.proc.returncode
        if code is not None and code < 0:
            try:
                return f"signal {signal.Signals(-code).name}"
            except ValueError:
                return f"signal {-code}"
        return f"status {code}"

    def _fail_start(self, what, stdout):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        message = self.describe(f"the gateway {what}", stdout.decode(errors="replace"))
        self.kill()
        raise GatewayStartError(message)

    def kill(self):
        """SIGKILL (if still running) and clean up, keeping what it printed for output()."""
        if self._finalizer.alive:
            self._final_output = self.output()
            self.proc.stdout.close()
            self._finalizer()

    def describe(self, what, stdout=""):
        """`what`, then the command line and what the process printed."""
        parts = [what, f"command: {' '.join(self.command)}"]
        if stdout.strip():
            parts.append("stdout:\n" + stdout.rstrip())
        err = self.output().rstrip()
        parts.append("stderr:\n" + err if err else "stderr: (nothing)")
        return "\n".join(parts)

    def _wait(self, timeout):
        """Waits for exit. A pidfd wakes us the moment it happens; Popen.wait(timeout)
        polls with growing sleeps, which costs a few ms a stop."""
        pidfd = None
        if hasattr(os, "pidfd_open"):
            try:
                pidfd = os.pidfd_open(self.proc.pid)
            except OSError:
                pass  # an old kernel, or already reaped
        if pidfd is None:
            return self.proc.wait(timeout=timeout)
        try:
            ready, _, _ = select.select([pidfd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(self.command, timeout)
            return self.proc.wait()
        finally:
            os.close(pidfd)

    def running(self):
        return self.proc.poll() is None

    def stop(self, timeout=10):
        """SIGTERM and wait; raises GatewayError if it had died or exits badly."""
        if not self._finalizer.alive:
            return
        try:
            if self.proc.poll() is not None:
                raise GatewayError(self.describe(f"the gateway had already exited, with {self._exit_text()}"))
            self.proc.send_signal(signal.SIGTERM)
            try:
                self._wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise GatewayError(self.describe(f"the gateway did not exit within {timeout:g} s of SIGTERM "
                                                 "(killed)"))
            if self.proc.returncode != 0:
                raise GatewayError(self.describe(f"the gateway exited with {self._exit_text()} on SIGTERM"))
        finally:
            self.proc.stdout.close()
            self._final_output = self.output()
            self._finalizer()


def new_workdir():
    return tempfile.mkdtemp(prefix="lifecycle-gateway-")
