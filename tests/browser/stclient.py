"""A Streamlit session driven over Streamlit's own websocket protocol, without a browser.

One :class:`StSession` is what one browser tab is to the server: a websocket on
``/_stcore/stream`` that sends ``BackMsg.rerun_script`` (query string, the values of every
widget, the page) and receives ``ForwardMsg``\\ s (``new_session`` at the start of each
run, ``delta``\\ s with the elements, ``page_info_changed`` with the URL's query string,
``script_finished``). It mirrors what Streamlit's frontend does with them, so the server
cannot tell it from a tab:

- it keeps the elements of each run by delta path, as the frontend's render tree does;
- it keeps a value for every widget the way the frontend's widget manager does (a new
  widget takes its default; ``set_value`` from the script overrides it; widgets not
  rendered by a completed run are dropped) and sends them all on every rerun;
- it sends the URL's current query string (the last ``page_info_changed``) with every
  rerun, and a component's value as the component's ``setComponentValue`` would;
- a change of a widget drawn inside an ``st.fragment`` asks for a rerun of that fragment
  only (``rerun_script.fragment_id``), as the frontend does; a fragment run's elements
  replace that fragment's and leave the rest of the page (and its widgets) as they were.

Widgets are found by their user key: Streamlit element ids end with ``-<key>``
(``$$ID-<hash>-fef_map``, ``$$ID-<hash>-show_railways``). Media (download buttons) are
fetched over HTTP from the same server.

Used by ``scripts/load_test.py`` (many sessions against one server) and
``tests/browser/test_ws_sessions.py``. Only loopback servers are contacted by those callers;
this module itself takes any ``http://`` base URL.

Streamlit 1.67 serves with Starlette/uvicorn; the websocket client is the ``websockets``
package installed with Streamlit (there is no tornado any more). The handshake: the
subprotocol list is ``streamlit[, xsrf token[, session id to resume]]``; without an
``Origin`` header the server accepts the connection; no XSRF token is needed for a
session without login.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: Elements that are widgets whose value the frontend holds and sends back on every rerun.
VALUE_WIDGETS = ("checkbox", "selectbox", "date_input", "text_input")


class ProtocolError(RuntimeError):
    """The server said something a browser tab would show as an error (or closed)."""


def user_key(element_id: str) -> str | None:
    """The user key in a Streamlit element id (``$$ID-<hash>-<key>``), or None."""
    if not element_id.startswith("$$ID-"):
        return None
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


@dataclass
class Element:
    """One element or block of a run, at its delta path.

    Parameters
    ----------
    path : tuple of int
        The delta path (``(0, 8)`` is the 9th element of the main area; ``(1, …)`` the sidebar).
    kind : str
        The element's proto type (``heading``, ``checkbox``, ``component_instance`` …), or
        ``block:<type>`` for a block (``block:expandable``, ``block:column``).
    proto : Any
        The element's own proto message (``Checkbox``, ``Heading``, ``Block`` …).
    fragment_id : str
        The ``st.fragment`` that drew it ('' for the main script).
    """

    path: tuple[int, ...]
    kind: str
    proto: Any
    fragment_id: str = ""

    @property
    def id(self) -> str:
        """The element id ('' for elements without one)."""
        return str(getattr(self.proto, "id", "") or "")

    @property
    def key(self) -> str | None:
        """The user key the app gave the element, if any."""
        return user_key(self.id)

    @property
    def text(self) -> str:
        """The label or body shown (heading and markdown body, widget label, expander label)."""
        if self.kind == "block:expandable":
            return str(self.proto.expandable.label)
        for name in ("body", "label", "text"):
            value = getattr(self.proto, name, None)
            if isinstance(value, str) and value:
                return value
        return ""


@dataclass
class Run:
    """One script run as the session received it.

    Parameters
    ----------
    run_id : str
        ``metadata.run.script_run_id`` of its ``new_session``.
    started : float
        ``time.monotonic()`` when its ``new_session`` arrived.
    finished : float or None
        When its ``script_finished`` arrived (None: still running or superseded).
    status : str or None
        ``FINISHED_SUCCESSFULLY`` …
    elements : dict
        Elements by delta path (a later delta at a path replaces the earlier one).
    query_string : str
        The URL's query string when the run finished.
    fragment_ids : tuple of str
        The fragments a fragment run reran (empty for a full run). A fragment run's
        ``elements`` are the page as the frontend shows it after the run: the previous
        run's elements outside those fragments plus what the fragments drew.
    sent : set of tuple
        The delta paths the server sent in this run (what it redrew).
    """

    run_id: str
    started: float
    finished: float | None = None
    status: str | None = None
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    query_string: str = ""
    fragment_ids: tuple[str, ...] = ()
    sent: set[tuple[int, ...]] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """Finished successfully (a full run, or a fragment run)."""
        return self.status in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")

    def find(self, kind: str | None = None, key: str | None = None) -> list[Element]:
        """Elements of ``kind`` and/or with user ``key``, in delta-path order."""
        return [e for p, e in sorted(self.elements.items())
                if (kind is None or e.kind == kind) and (key is None or e.key == key)]

    def one(self, kind: str | None = None, key: str | None = None) -> Element:
        """The single element of ``kind``/``key``.

        Raises
        ------
        LookupError
            When there is none or more than one.
        """
        found = self.find(kind, key)
        if len(found) != 1:
            raise LookupError(f"{len(found)} elements of kind={kind!r} key={key!r} in run {self.run_id}")
        return found[0]

    def texts(self, kind: str) -> list[str]:
        """The texts of every element of ``kind`` (e.g. every heading)."""
        return [e.text for e in self.find(kind)]

    def exceptions(self) -> list[str]:
        """Messages of the exception elements the run shows (an app error)."""
        return [f"{e.proto.type}: {e.proto.message}" for e in self.find("exception")]

    def component_args(self, key: str) -> dict[str, Any]:
        """The JSON arguments the component with ``key`` was rendered with."""
        return dict(json.loads(self.one("component_instance", key).proto.json_args or "{}"))

    def query(self) -> dict[str, list[str]]:
        """The URL's query parameters when the run finished."""
        return parse_qs(self.query_string, keep_blank_values=True)


class StSession:
    """One Streamlit session, as one browser tab holds it.

    Parameters
    ----------
    base_url : str
        ``http://host:port`` of the app (no trailing slash needed).
    origin : str or None
        Sent as the ``Origin`` header (a browser sends the app's own origin); None sends none.

    Examples
    --------
    >>> async def demo(url):                                      # doctest: +SKIP
    ...     s = StSession(url)
    ...     run = await s.connect("date=1938-07-31")
    ...     s.set_component_value("fef_map", {"date": "1939-08-20", "seq": 1, ...})
    ...     run = await s.wait_run(lambda r: "20 August 1939" in r.texts("heading")[-1])
    ...     await s.close()
    """

    def __init__(self, base_url: str, *, origin: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.ws_url = ("wss" if parts.scheme == "https" else "ws") + f"://{parts.netloc}{parts.path}/_stcore/stream"
        self.origin = origin
        self.ws: Any = None
        self.page_script_hash = ""
        self.query_string = ""
        #: Widget values by element id, as the frontend's widget manager holds them.
        self.widgets: dict[str, WidgetState] = {}
        #: Element id of each user key seen (the last run's).
        self.ids: dict[str, str] = {}
        #: The fragment each widget was drawn in ('' for the main script), by element id.
        self.fragment_of: dict[str, str] = {}
        #: Fragments of the widgets changed since the last rerun request.
        self._changed_in: set[str] = set()
        self.runs: list[Run] = []
        self.current: Run | None = None
        self.last_ok: Run | None = None
        self.script_running = False
        self.closed: BaseException | str | None = None
        self.errors: list[str] = []
        self.sent = 0
        #: Cookies set when the page was loaded (sent with the websocket and fetches).
        self.cookies: dict[str, str] = {}
        #: Runs finished successfully (all of them; ``runs`` keeps only the last 50).
        self.runs_ok = 0
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    # ---- connection ----
    async def connect(self, query_string: str = "", timeout_s: float = 120.0) -> Run:
        """Open the websocket and do the first run with ``query_string`` (as a page load does).

        Returns
        -------
        Run
            The first run, finished successfully.
        """
        # the page itself first, as a browser loads it: its cookies (a reverse proxy's sticky
        # replica cookie, deploy/nginx.conf.template) go with the websocket and every fetch
        await asyncio.to_thread(self._load_page, timeout_s)
        headers = {"Origin": self.origin} if self.origin else {}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None,
            additional_headers=headers or None, open_timeout=timeout_s, ping_interval=None,
        )
        self._reader = asyncio.create_task(self._read(), name=f"stclient-read-{id(self)}")
        self.query_string = query_string.lstrip("?")
        mark = time.monotonic()
        await self.send_rerun()
        return await self.wait_run(lambda r: True, since=mark, timeout_s=timeout_s)

    def _load_page(self, timeout_s: float) -> None:
        with urllib.request.urlopen(self.base_url + "/", timeout=timeout_s) as r:
            r.read()
            for raw in r.headers.get_all("Set-Cookie") or []:
                name, _, value = raw.split(";", 1)[0].partition("=")
                if name.strip():
                    self.cookies[name.strip()] = value.strip()

    def cookie_header(self) -> str:
        """The ``Cookie`` header this session sends (cookies set by the page load)."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def close(self) -> None:
        """Close the websocket (the server ends the session as for a closed tab)."""
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # noqa: BLE001, S110 - closing anyway
                pass

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- sending ----
    def widget_id(self, key: str) -> str:
        """The element id of the widget with user ``key`` (from the runs seen so far)."""
        try:
            return self.ids[key]
        except KeyError:
            raise LookupError(f"no widget with key {key!r} seen yet") from None

    def set_component_value(self, key: str, value: Any) -> None:
        """Hold ``value`` as the component's value (JSON), as ``setComponentValue`` does."""
        ws = WidgetState(id=self.widget_id(key))
        ws.json_value = json.dumps(value)
        self.widgets[ws.id] = ws
        self._changed_in.add(self.fragment_of.get(ws.id, ""))

    def set_value(self, key: str, value: bool | str | list[str]) -> None:
        """Hold a new value for a checkbox (bool), selectbox/text (str) or date input (list)."""
        ws = WidgetState(id=self.widget_id(key))
        if isinstance(value, bool):
            ws.bool_value = value
        elif isinstance(value, str):
            ws.string_value = value
        else:
            ws.string_array_value.data.extend(value)
        self.widgets[ws.id] = ws
        self._changed_in.add(self.fragment_of.get(ws.id, ""))

    def value(self, key: str) -> Any:
        """The value the session holds for widget ``key`` (None when it holds none)."""
        ws = self.widgets.get(self.ids.get(key, ""))
        if ws is None:
            return None
        kind = ws.WhichOneof("value")
        if kind == "string_array_value":
            return list(ws.string_array_value.data)
        if kind == "json_value":
            return json.loads(ws.json_value)
        return getattr(ws, kind) if kind else None

    async def send_rerun(self, trigger: str | None = None) -> float:
        """Send a rerun request with every widget value (plus a button ``trigger``); returns the time sent.

        Like the frontend, it asks for a rerun of one fragment when every widget changed since
        the last request (and the ``trigger``) was drawn by that fragment; else of the whole app.
        """
        if self.closed is not None:
            raise ProtocolError(f"session closed: {self.closed}")
        msg = BackMsg()
        cs = msg.rerun_script
        if trigger is not None:
            self._changed_in.add(self.fragment_of.get(self.widget_id(trigger), ""))
        if len(self._changed_in) == 1 and "" not in self._changed_in:
            cs.fragment_id = next(iter(self._changed_in))
        self._changed_in = set()
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_script_hash
        cs.context_info.url = self.base_url + "/" + (f"?{self.query_string}" if self.query_string else "")
        cs.context_info.timezone = "UTC"
        cs.context_info.timezone_offset = 0
        cs.context_info.locale = "en-GB"
        states = list(self.widgets.values())
        if trigger is not None:
            t = WidgetState(id=self.widget_id(trigger))
            t.trigger_value = True
            states = [s for s in states if s.id != t.id] + [t]
        cs.widget_states.widgets.extend(states)
        await self.ws.send(msg.SerializeToString())
        self.sent += 1
        return time.monotonic()

    # ---- receiving ----
    async def wait_run(self, accept: Callable[[Run], bool], *, since: float, timeout_s: float) -> Run:
        """Wait for a run that started after ``since``, finished successfully and satisfies ``accept``.

        A run that finishes but is not accepted is kept waiting past (a later run may still
        come: the server supersedes runs when requests arrive during a run).

        Raises
        ------
        TimeoutError
            With the last finished run's state, when none is accepted in time.
        ProtocolError
            When the connection closed.
        """
        deadline = time.monotonic() + timeout_s
        checked: set[str] = set()
        async with self._changed:
            while True:
                for run in self.runs:
                    if run.started >= since and run.ok and run.run_id not in checked:
                        checked.add(run.run_id)
                        if accept(run):
                            return run
                if self.closed is not None:
                    raise ProtocolError(f"connection closed: {self.closed}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no accepted run within {timeout_s:.0f} s "
                                       f"(runs since: {sum(r.started >= since for r in self.runs)}, "
                                       f"script running: {self.script_running})")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    continue

    async def wait_idle(self, timeout_s: float, quiet_s: float = 0.3) -> Run | None:
        """Wait until no run is going on for ``quiet_s``; returns the last successful run."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            n = len(self.runs)
            if not self.script_running:
                await asyncio.sleep(quiet_s)
                if not self.script_running and len(self.runs) == n:
                    return self.last_ok
            else:
                await asyncio.sleep(0.05)
        raise TimeoutError(f"session still running after {timeout_s} s")

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                if isinstance(data, str):
                    raise ProtocolError("text frame from the server")
                msg = ForwardMsg()
                msg.ParseFromString(data)
                async with self._changed:
                    self._handle(msg)
                    self._changed.notify_all()
            self.closed = "closed by the server"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - kept: the waiters raise it
            self.closed = exc
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        now = time.monotonic()
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
            frags = tuple(msg.metadata.run.fragment_ids)
            self.current = Run(run_id=msg.metadata.run.script_run_id, started=now, fragment_ids=frags)
            if frags and self.last_ok is not None:  # the rest of the page stays as it is
                self.current.elements = {p: e for p, e in self.last_ok.elements.items() if e.fragment_id not in frags}
            self.runs.append(self.current)
            del self.runs[:-50]  # bounded: a long load run keeps only recent runs
        elif kind == "delta" and self.current is not None:
            self._on_delta(tuple(msg.metadata.delta_path), msg.delta)
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "session_status_changed":
            self.script_running = msg.session_status_changed.script_is_running
        elif kind == "script_finished" and self.current is not None:
            run = self.current
            run.finished = now
            run.status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            run.query_string = self.query_string
            if run.ok:
                self.runs_ok += 1
                self.last_ok = run
                active = {e.id for e in run.elements.values() if e.id}
                self.widgets = {k: v for k, v in self.widgets.items() if k in active}
                self.fragment_of = {k: v for k, v in self.fragment_of.items() if k in active}
        elif kind == "session_event":
            ev = msg.session_event
            which = ev.WhichOneof("type")
            if which in ("script_compilation_exception",):
                self.errors.append(f"{which}: {getattr(ev, which).message}")
        elif kind == "ref_hash":
            self.errors.append("server sent a cached-message reference (not requested)")

    def _on_delta(self, path: tuple[int, ...], delta: Any) -> None:
        assert self.current is not None
        which = delta.WhichOneof("type")
        if which == "new_element":
            el = delta.new_element
            kind = el.WhichOneof("type") or "empty"
            proto = getattr(el, kind) if kind != "empty" else el
            e = Element(path, kind, proto)
        elif which == "add_block":
            kind, proto = "block:" + str(delta.add_block.WhichOneof("type")), delta.add_block
            e = Element(path, kind, proto)
        else:
            return
        e.fragment_id = str(delta.fragment_id)
        old = self.current.elements.get(path)
        self.current.elements[path] = e
        self.current.sent.add(path)
        # an element where a block was: drop the block's children (only blocks have any)
        if which == "new_element" and old is not None and old.kind.startswith("block:"):
            for p in [p for p in self.current.elements if len(p) > len(path) and p[: len(path)] == path]:
                del self.current.elements[p]
        if e.id and e.key:
            self.ids[e.key] = e.id
        if e.id:
            self.fragment_of[e.id] = e.fragment_id
        if kind in VALUE_WIDGETS:
            self._mirror_widget(kind, proto)

    def _mirror_widget(self, kind: str, p: Any) -> None:
        """What the frontend's widget manager does when it renders a widget."""
        known = p.id in self.widgets
        if known and not p.set_value:
            return
        ws = WidgetState(id=p.id)
        if kind == "checkbox":
            ws.bool_value = p.value if p.set_value else p.default
        elif kind == "selectbox":
            if p.set_value:
                if not p.HasField("raw_value"):
                    self.widgets.pop(p.id, None)
                    return
                ws.string_value = p.raw_value
            elif p.HasField("default") and 0 <= p.default < len(p.options):
                ws.string_value = p.options[p.default]
            else:
                return
        elif kind == "date_input":
            ws.string_array_value.data.extend(list(p.value) if p.set_value else list(p.default))
        elif kind == "text_input":
            if p.set_value and p.HasField("value"):
                ws.string_value = p.value
            elif p.HasField("default"):
                ws.string_value = p.default
            else:
                return
        self.widgets[p.id] = ws

    # ---- HTTP ----
    async def fetch(self, url: str, timeout_s: float = 60.0) -> tuple[int, str, bytes]:
        """GET ``url`` (relative to the app, as a download button's ``url``): status, content type, body."""
        full = url if url.startswith(("http://", "https://")) else self.base_url + "/" + url.lstrip("/")

        def get() -> tuple[int, str, bytes]:
            req = urllib.request.Request(full, headers={"Cookie": self.cookie_header()} if self.cookies else {})
            try:
                with urllib.request.urlopen(req, timeout=timeout_s) as r:
                    return int(r.status), str(r.headers.get("Content-Type", "")), r.read()
            except urllib.error.HTTPError as exc:
                return int(exc.code), str(exc.headers.get("Content-Type", "")), exc.read()

        return await asyncio.to_thread(get)


def percentile(xs: Iterable[float], q: float) -> float | None:
    """The q-quantile (nearest rank) of ``xs``, or None when empty."""
    s = sorted(xs)
    if not s:
        return None
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


# ---------------------------------------------------------------------------------------
# the atlas: one visitor's tab, with the map component played as time_sliced.js plays it
# ---------------------------------------------------------------------------------------

#: Heading of the side panels; the date follows (``On the map on 20 August 1939``).
PANEL_HEADING = "On the map on "
#: The export format the load exercises, as the format box shows it.
GEOJSON_LABEL = "GeoJSON"


def panel_heading(day: dt.date) -> str:
    """The side panel heading the app shows for ``day``."""
    return f"{PANEL_HEADING}{day.day} {day:%B %Y}"


class SyncError(AssertionError):
    """The dashboard does not describe the date the map shows (panels, URL or export)."""


@dataclass
class AtlasTab:
    """A visitor's tab of the atlas dashboard, spoken over the protocol.

    The map component is played as ``layers/plugins/time_sliced.js`` plays it: once painted
    it reports ``{ready, seq}``; each date move (after its debounce) reports
    ``{date, seq, center, zoom, bounds, basemap, campaign, campaign_seq}`` with ``seq``
    counting up. :meth:`check` is the sync check: panels, sidebar date, URL and the date the
    map is asked to show must all name the map's date.

    Parameters
    ----------
    session : StSession
    timeout_s : float
        How long a move, toggle or export may take before it counts as lost.
    """

    session: StSession
    timeout_s: float = 30.0
    seq: int = 0
    date: dt.date | None = None
    date_nonce: Any = None
    campaign: str = "overview"

    async def open(self, query_string: str = "") -> Run:
        """Load the page, let the map report it has painted, wait for the panels."""
        run = await self.session.connect(query_string, timeout_s=max(self.timeout_s, 120.0))
        args = run.component_args("fef_map")
        self.date = dt.date(1970, 1, 1) + dt.timedelta(days=int(args["date_request"]["day"]))
        self.date_nonce = args["date_request"].get("nonce")
        self.campaign = str(args["date_request"].get("campaign") or "overview")
        if not self.heading(run):  # the first run sends the map alone and waits for "painted"
            self.seq += 1
            self.session.set_component_value("fef_map", {"ready": True, "seq": self.seq})
            t0 = await self.session.send_rerun()
            run = await self.session.wait_run(lambda r: bool(self.heading(r)), since=t0, timeout_s=self.timeout_s)
        return run

    @staticmethod
    def heading(run: Run) -> str:
        """The panel heading a run shows ('' when it shows none)."""
        return next((h for h in run.texts("heading") if h.startswith(PANEL_HEADING)), "")

    def report(self, day: dt.date) -> dict[str, Any]:
        """The value the map reports after a move to ``day``."""
        self.seq += 1
        return {"date": day.isoformat(), "seq": self.seq, "center": [45.0, 125.0], "zoom": 5,
                "bounds": [[38.0, 104.0], [56.0, 146.0]], "basemap": "Offline (Natural Earth)",
                "campaign": self.campaign, "campaign_seq": 0}

    def check(self, run: Run, day: dt.date) -> list[str]:
        """What in ``run`` does not describe ``day`` (empty: in sync)."""
        bad = [f"exception {e}" for e in run.exceptions()]
        if not run.find("component_instance", "fef_map"):
            return [*bad, "no map in the page"]
        if self.heading(run) != panel_heading(day):
            bad.append(f"panel heading {self.heading(run)!r}")
        if run.query().get("date") != [day.isoformat()]:
            bad.append(f"URL date {run.query().get('date')}")
        goto = self.session.value("goto_date")
        if goto is not None and [g.replace("/", "-") for g in goto] != [day.isoformat()]:
            bad.append(f"sidebar 'Go to' date {goto}")
        req = run.component_args("fef_map").get("date_request", {})
        if dt.date(1970, 1, 1) + dt.timedelta(days=int(req.get("day", 0))) != day:
            bad.append(f"date sent to the map {req.get('day')}")
        if req.get("nonce") != self.date_nonce:
            # the map obeys a new nonce (time_sliced.js onRender): the app moved it, nobody asked
            bad.append(f"the app moved the map to day {req.get('day')} (nonce {self.date_nonce} -> {req.get('nonce')})")
        return bad

    def obey(self, run: Run) -> str | None:
        """Play the map's side of a run: a new date request nonce moves it (as ``onRender`` does).

        Returns what happened when the app moved the map although nobody asked (None if not).
        """
        req = run.component_args("fef_map").get("date_request", {}) if run.find("component_instance", "fef_map") else {}
        if not req or req.get("nonce") == self.date_nonce:
            return None
        was = self.date
        self.date_nonce = req.get("nonce")
        self.date = dt.date(1970, 1, 1) + dt.timedelta(days=int(req["day"]))
        return f"the app moved the map from {was} to {self.date} (nobody asked)"

    async def move(self, days: list[dt.date], gap_s: float = 0.2) -> float:
        """Move the map through ``days`` (a drag: one report per day, ``gap_s`` apart).

        Returns
        -------
        float
            Seconds from the last report to the end of the first run that shows the last day.

        Raises
        ------
        SyncError
            When no run shows the last day within ``timeout_s``.
        """
        t_last = 0.0
        for i, day in enumerate(days):
            self.session.set_component_value("fef_map", self.report(day))
            t_last = await self.session.send_rerun()
            if i < len(days) - 1:
                await asyncio.sleep(gap_s)
        self.date = days[-1]
        return await self._settle(t_last, f"move to {days[-1]}")

    async def _settle(self, since: float, what: str) -> float:
        assert self.date is not None
        day = self.date
        moved: list[str] = []

        def accept(r: Run) -> bool:
            if (m := self.obey(r)) is not None:
                moved.append(m)
            return not self.check(r, self.date or day)

        try:
            run = await self.session.wait_run(accept, since=since, timeout_s=self.timeout_s)
        except TimeoutError:
            last = self.session.last_ok
            why = moved + (self.check(last, self.date or day) if last is not None else ["no run finished"])
            raise SyncError(f"{what}: not in sync after {self.timeout_s:.0f} s: {'; '.join(why)}") from None
        if moved:
            raise SyncError(f"{what}: {'; '.join(moved)}")
        assert run.finished is not None
        return run.finished - since

    async def toggle(self, layer: str) -> bool:
        """Flip the sidebar checkbox of ``layer``; wait until the map and URL follow. Returns the new state."""
        key = f"show_{layer}"
        on = not bool(self.session.value(key))
        self.session.set_value(key, on)
        t0 = await self.session.send_rerun()

        moved: list[str] = []

        def follows(r: Run) -> bool:
            if not r.find("component_instance", "fef_map"):
                return False
            if (m := self.obey(r)) is not None:
                moved.append(m)
            visible = layer in r.component_args("fef_map").get("visible", [])
            in_url = layer in ",".join(r.query().get("layers", [])).split(",")
            return visible == on and in_url == on and not self.check(r, self.date or dt.date.min)

        try:
            await self.session.wait_run(follows, since=t0, timeout_s=self.timeout_s)
        except TimeoutError:
            raise SyncError(f"layer {layer} {'on' if on else 'off'}: map or URL did not follow {moved}") from None
        if moved:
            raise SyncError(f"layer {layer}: {'; '.join(moved)}")
        return on

    def layers(self) -> list[str]:
        """Layer ids of the sidebar checkboxes."""
        return sorted(k[len("show_"):] for k in self.session.ids if k.startswith("show_") and k != "show_timeline")

    async def export_geojson(self) -> tuple[float, int]:
        """Open "Export this map", pick "Data at this date — GeoJSON", press "Prepare file", download the file.

        Returns
        -------
        tuple
            (seconds from the press to the downloaded file, its size in bytes).

        Raises
        ------
        SyncError
            When the file is missing, empty, not GeoJSON, or of another date or layer set.
        """
        assert self.date is not None
        last = self.session.last_ok
        assert last is not None
        if not last.find("selectbox", "export_fmt"):  # the export box is lazy: open it first
            self.session.set_value("exp_export", True)
            t0 = await self.session.send_rerun()
            last = await self.session.wait_run(lambda r: bool(r.find("selectbox", "export_fmt")), since=t0,
                                               timeout_s=self.timeout_s)
        box = last.one("selectbox", "export_fmt").proto
        label = next((o for o in box.options if GEOJSON_LABEL in o), None)
        if label is None:
            raise SyncError(f"no GeoJSON entry among the export formats {list(box.options)}")
        if self.session.value("export_fmt") != label:
            self.session.set_value("export_fmt", label)
            t0 = await self.session.send_rerun()
            await self.session.wait_run(lambda r: True, since=t0, timeout_s=self.timeout_s)
        t0 = await self.session.send_rerun(trigger="export_go")
        try:
            run = await self.session.wait_run(lambda r: bool(r.find("download_button", "export_download")),
                                              since=t0, timeout_s=self.timeout_s)
        except TimeoutError:
            raise SyncError("export: no download button after 'Prepare file'") from None
        btn = run.one("download_button", "export_download").proto
        status, ctype, body = await self.session.fetch(btn.url, timeout_s=self.timeout_s)
        took = time.monotonic() - t0
        if status != 200 or not body:
            raise SyncError(f"export: GET {btn.url} gave HTTP {status}, {len(body)} bytes")
        if "geo+json" not in ctype and "json" not in ctype:
            raise SyncError(f"export: content type {ctype!r}")
        meta = json.loads(body).get("metadata", {})
        if meta.get("date") != self.date.isoformat():
            raise SyncError(f"export: file is of {meta.get('date')}, the map shows {self.date}")
        if self.date.isoformat() not in btn.label:
            raise SyncError(f"export: button names another file: {btn.label!r}")
        visible = run.component_args("fef_map").get("visible", [])
        got = sorted(str(x.get("id", x)) if isinstance(x, dict) else str(x) for x in meta.get("layers", []))
        if got and sorted(visible) != got:
            raise SyncError(f"export: layers {got} but the map shows {sorted(visible)}")
        return took, len(body)
