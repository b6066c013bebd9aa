"""A load generator in a process of its own (spawned: it shares nothing but a Pipe), so that
client threads do not compete with the server for the interpreter lock."""
import multiprocessing as mp
import time
import traceback

SILENT = object()  # a handler's reply that sends nothing back


def serve(conn, setup):
    """The load process's side. `setup()` returns (handle, cleanup); `handle(message)` returns
    (reply, go_on). Errors, in set-up or later, go back to the parent as a traceback."""
    cleanup = None
    try:
        handle, cleanup = setup()
        conn.send(("ready",))
        go_on = True
        while go_on:
            reply, go_on = handle(conn.recv())
            if reply is not SILENT:
                conn.send(("ok", reply))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return  # the parent has gone or was interrupted: nothing to report to
    except Exception:
        try:
            conn.send(("error", traceback.format_exc()))
        except (OSError, ValueError):
            pass
    finally:
        if cleanup:
            cleanup()
        conn.close()


class LoadProcess:
    """The parent's handle: `ask(message)` sends and waits for the answer; `close()` reaps it."""

    def __init__(self, target, *args):
        ctx = mp.get_context("spawn")
        self.conn, child_end = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child_end, *args), name="bench-load", daemon=True)
        self.proc.start()
        child_end.close()
        self.ask(None, timeout=60)  # "ready": imports and set-up done before anything is timed

    def ask(self, message, timeout=120):
        if message is not None:
            self.conn.send(message)
        deadline = time.monotonic() + timeout
        while not self.conn.poll(0.2):
            if not self.proc.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"load process gave no answer (exit code {self.proc.exitcode})")
        try:
            reply = self.conn.recv()
        except EOFError:
            raise RuntimeError(f"load process ended (exit code {self.proc.exitcode})") from None
        if reply[0] == "error":
            raise RuntimeError(f"load process failed:\n{reply[1]}")
        return reply[1] if len(reply) > 1 else None

    def close(self, answer_timeout=None):
        """Send "stop"; with `answer_timeout`, return the process's last answer."""
        answer = None
        if self.proc.is_alive():
            try:
                if answer_timeout:
                    answer = self.ask(("stop",), timeout=answer_timeout)
                else:
                    self.conn.send(("stop",))
            except (OSError, RuntimeError):
                pass
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(timeout=5)
        self.conn.close()
        return answer
