"""Going to a view of the main window in a test, and waiting until it has shown its data."""


def open_view(window, qtbot, key: str, timeout_ms: int = 20_000):
    """Show view `key` in `window` and wait for its `loaded` signal; returns the view."""
    view = window.views[key]
    with qtbot.waitSignal(view.loaded, timeout=timeout_ms):
        window.go(key)
    return view
