import difflib
from tests.web.test_leak_matrix import *  # noqa
from tests.web.test_leak_matrix import comparable, client_for

def test_dbg(app, world):
    c = client_for(app, world, "guest")
    h = world.boards[Visibility.HIDDEN]
    c.get("/b/1/new")
    a = comparable(c.get(f"/t/{h.threads['anon']}"), f"/t/{h.threads['anon']}", "/t/999999")
    b = comparable(c.get("/t/999999"), "", "")
    print(a[:2], b[:2])
    print("\n".join(difflib.unified_diff(a[2].splitlines(), b[2].splitlines(), lineterm="")))
    assert 0
