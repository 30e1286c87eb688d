"""Reporting shared by the end-to-end check scripts (tests/anki,
tests/print): one `ok - ...` / `not ok - ...` line per check and a closing
`N passed, M failed` line, the plain format the test runners read."""

import traceback


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, desc, detail=None):
        if cond:
            self.passed += 1
            print(f"ok - {desc}", flush=True)
        else:
            self.failed += 1
            print(f"not ok - {desc}", flush=True)
            if detail is not None:
                for line in str(detail).splitlines()[:40]:
                    print(f"#   {line}", flush=True)
        return bool(cond)

    def eq(self, got, want, desc):
        return self.check(got == want, desc, f"got:  {got!r}\nwant: {want!r}")

    def info(self, msg):
        for line in str(msg).splitlines():
            print(f"# {line}", flush=True)

    def stage(self, name, fn, *args):
        """Runs one stage; an exception is one failed check."""
        print(f"# --- {name}", flush=True)
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - any failure of a stage is reported
            self.check(False, f"{name}: raised {type(e).__name__}: {e}", traceback.format_exc())
            return None
