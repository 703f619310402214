"""A smoke crawl of the whole site, as real users, on the living demo.

Once per module: the demo network and 60 demo matters are loaded (clock frozen on 2026-11-26, so due states
are stable), then each main demo account logs in and walks the site breadth-first from "/" — every internal
<a href>, the pager's "下一页", one URL per option of every GET filter form — up to ``PAGE_CAP`` pages, and
afterwards opens every action page linked from the matter pages it reached. Everything is rolled back at
the end of the module.

Each page is checked as it is fetched (nothing is kept but the findings), and each check is its own test per
account, so a failure names the account, the check and the URLs:

* no response is a server error; no link or filter the site offers leads to a 4xx;
* every HTML page has one <main>, one non-empty <title>, an <h1>;
* every visible form control has a label (<label for>, a wrapping <label>, aria-label or aria-labelledby);
* no page shows an ID number or a mobile number in clear, and no link carries one in its URL;
* every matter, person and network-region page that answers 200, every matter row in a list and every row
  of a CSV export lies inside the account's scope (``matters_for`` / ``petitioners_for`` / ``regions_for``);
  the unfiltered export holds exactly the scope; and the first few matters, persons and regions outside the
  scope answer 404 when asked for directly;
* every action button on a matter page opens its form (200).

Hostile URLs (bad filters, bad cursors, missing objects) answer 200 or 4xx, never 500, with whole pages.
The 403/404/500 pages and the login page, which the crawl does not reach, get the page checks directly;
and the detectors are tested on made-up pages and on a real reveal, so a green crawl means something.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from django.views import defaults

from daiban.accounts.models import User
from daiban.core.clock import frozen
from daiban.demo.matters import load_demo_matters
from daiban.demo.network import DEMO_PASSWORD, load_demo_network
from daiban.matters.models import Matter, MatterPetitioner, Petitioner
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.network.jurisdiction import regions_for
from daiban.pii.fields import _plaintext
from daiban.regions.models import Region
from daiban.workcal.hooks import discard_pending
from daiban.workcal.schedule import clear_cache

# Every test takes part in the database (as a savepoint inside the module's transaction); this also makes
# pytest-django create the test database when only some of these tests are selected.
pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
NOW = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
COUNT = 60
PAGE_CAP = 150  # pages per account, action pages not counted
PROBES = 8  # out-of-scope matters, persons and regions requested directly, per account
ACCOUNTS = (
    "shi_admin",
    "xinchengqu_zhongxin",
    "tuoxian_zhongxin",
    "hulunlu_zhan",
    "suyala_daiban",
    "zhongtan_daiban",
    "xinchengqu_zhujian",
    "tuoxian_zhujian",
    "shi_zhujian",
    "xinchengqu_lingdao",
    "xinchengqu_jijian",
    "shi_jijian",
)
HOSTILE_ACCOUNTS = ("shi_admin", "suyala_daiban", "xinchengqu_zhujian", "xinchengqu_lingdao")
HOSTILE_URLS = (
    "/matters/?region=999999",
    "/matters/?after=%%%garbage",
    "/matters/?date_from=xx&date_to=2026-13-45",
    "/matters/?queue=bogus",
    "/matters/?unit=99999999",
    "/matters/?leader=abc",
    "/matters/?order=bogus&due=bogus&status=bogus",
    "/matters/?after=MjAyNi0xMy00NXwx",  # a well-formed cursor holding an impossible date
    "/matters/?order=due&after=eHh8eXk",  # "xx|yy"
    "/matters/export.csv?region=999999&date_from=xx",
    "/matters/99999999/",
    "/matters/1/act/nonexistent/",
    "/matters/99999999/act/press/",
    "/matters/1/act/accept/?task=abc",
    "/matters/1/attachments/99999999/",
    "/network/region/000000/",
    "/network/region/%E4%B8%AD/",
    "/petitioners/99999999/",
)

SKIP_PREFIXES = ("/logout/", "/admin/", "/static/")
# Control types that need no label of their own.
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}

# An ID number (18 characters, the last may be X) or a mainland mobile number, standing alone: not part of
# a longer run of digits or letters (a CSRF token, a cursor), and not masked (masks contain "*").
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])")
MASKED = re.compile(r"\d\*{3,}\d")  # 150102********1234, 139****1234
# The same, for a URL (where a number may sit behind "=", "/" or an encoded character).
URL_PII = re.compile(r"(?<!\d)(?:[1-9]\d{16}[\dXx]|1[3-9]\d{9})(?!\d)")

MATTER_URL = re.compile(r"^/matters/(\d+)/")
ACTION_URL = re.compile(r"^/matters/(\d+)/act/[\w-]+/")
PETITIONER_URL = re.compile(r"^/petitioners/(\d+)/")
REGION_URL = re.compile(r"^/network/region/([^/]+)/")


# ------------------------------------------------------------------------------------------ parsing


class PageParser(HTMLParser):
    """Collects what the checks need from one page: landmarks, links, labels, controls, GET forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.mains = 0
        self.titles: list[str] = []
        self.h1s = 0
        self.links: list[str] = []
        self.numbers: list[str] = []  # data-number of matter rows in lists
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.controls: list[tuple[str, dict[str, str], bool]] = []  # tag, attrs, inside a <label>
        self.get_forms: list[tuple[str, OrderedDict[str, list[str]]]] = []  # action, select name → values
        self._label_depth = 0
        self._in_title = False
        self._form: tuple[str, OrderedDict[str, list[str]]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v or "") for k, v in attrs_list}
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if attrs.get("data-number"):
            self.numbers.append(attrs["data-number"])
        if tag == "main":
            self.mains += 1
        elif tag == "title":
            self._in_title = True
            self.titles.append("")
        elif tag == "h1":
            self.h1s += 1
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag == "form" and attrs.get("method", "get").lower() == "get":
            self._form = (attrs.get("action", ""), OrderedDict())
            self.get_forms.append(self._form)
        if tag in ("input", "select", "textarea"):
            self.controls.append((tag, attrs, self._label_depth > 0))
        if tag == "select" and self._form is not None and attrs.get("name"):
            self._select = attrs["name"]
            self._form[1][self._select] = []
        elif tag == "option" and self._form is not None and self._select is not None and attrs.get("value"):
            self._form[1][self._select].append(attrs["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles[-1] += data


def parse(html: str) -> PageParser:
    page = PageParser()
    page.feed(html)
    page.close()
    return page


def landmark_problems(page: PageParser) -> list[str]:
    problems = []
    if page.mains != 1:
        problems.append(f"{page.mains} <main>")
    if len(page.titles) != 1 or not page.titles[0].strip():
        problems.append(f"titles {page.titles!r}")
    if page.h1s < 1:
        problems.append("no <h1>")
    return problems


def unlabelled_controls(page: PageParser) -> list[str]:
    missing = []
    for tag, attrs, in_label in page.controls:
        if tag == "input" and attrs.get("type", "text").lower() in UNLABELLED_TYPES:
            continue
        if attrs.get("name") == "csrfmiddlewaretoken":
            continue
        if attrs.get("aria-label", "").strip() or in_label:
            continue
        labelledby = attrs.get("aria-labelledby", "").split()
        if labelledby and all(i in page.ids for i in labelledby):
            continue
        if attrs.get("id") and attrs["id"] in page.label_for:
            continue
        missing.append(f"<{tag} name={attrs.get('name', '')!r} id={attrs.get('id', '')!r}>")
    return missing


def clear_pii(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Numbers shown in clear: anything shaped like an ID or mobile number, and any of the ``known`` real
    numbers of the demo's petitioners (which also catches landlines and odd formats)."""
    found = {m.group(0) for m in ID_NUMBER.finditer(text)} | {m.group(0) for m in MOBILE.finditer(text)}
    found |= {number for number in known if number in text}
    return sorted(found)


# ------------------------------------------------------------------------------------------ crawling


@dataclass
class Findings:
    """What one account's crawl found; each list holds "url: problem" lines (empty when all is well)."""

    username: str
    pages: int = 0
    action_pages: int = 0
    probes: int = 0
    seconds: float = 0.0
    matters_visible: int = 0
    matters_reached: set[int] = field(default_factory=set)
    in_scope: int = 0
    server_errors: list[str] = field(default_factory=list)
    dead_links: list[str] = field(default_factory=list)
    landmarks: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    masked_shown: int = 0  # pages showing a masked number (so the clear-number check is not vacuous)
    pii_in_page: list[str] = field(default_factory=list)
    pii_in_links: list[str] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)
    actions_refused: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)


def _internal(base: str, href: str) -> str | None:
    """The site-relative URL (path and query) of ``href`` on page ``base``; ``None`` if not ours."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.netloc != "testserver" or parts.scheme not in ("http", "https"):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _kind(url: str) -> tuple[str, tuple[str, ...]]:
    """A page's kind: its path shape and, within it, the set of its query keys."""
    parts = urlsplit(url)
    keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return re.sub(r"\d+", "N", parts.path), keys


# Shapes worth more of the page cap: the matter pages (scope, masking, the action buttons).
SHAPE_WEIGHT = {"/matters/N/": 3}


class Frontier:
    """Breadth-first, but fair: pages are grouped by path shape (matter pages, person pages, list, export,
    network…) and, within a shape, by query keys (each filter, the pager); each round takes one page from
    every group in turn (``SHAPE_WEIGHT`` pages from the weightier ones), so a long run of one kind
    (villages, persons, filter options) cannot starve the others within the page cap. Deterministic: groups
    and pages keep the order they were discovered in."""

    def __init__(self) -> None:
        self.shapes: OrderedDict[str, OrderedDict[tuple[str, ...], deque[str]]] = OrderedDict()
        self.seen: set[str] = set()

    def add(self, url: str) -> None:
        if url in self.seen:
            return
        self.seen.add(url)
        shape, keys = _kind(url)
        self.shapes.setdefault(shape, OrderedDict()).setdefault(keys, deque()).append(url)

    def _take(self, shape: str) -> str:
        groups = self.shapes[shape]
        keys, queue = next(iter(groups.items()))
        url = queue.popleft()
        groups.move_to_end(keys)
        if not queue:
            del groups[keys]
        if not groups:
            del self.shapes[shape]
        return url

    def __iter__(self) -> Iterator[str]:
        while self.shapes:
            for shape in list(self.shapes):
                for _ in range(SHAPE_WEIGHT.get(shape, 1)):
                    if shape in self.shapes:
                        yield self._take(shape)


def _filter_urls(base: str, page: PageParser) -> list[str]:
    """One URL per option of every <select> in the page's GET forms (the way a user filters)."""
    urls = []
    for action, selects in page.get_forms:
        target = urlsplit(urljoin("http://testserver" + base, action or base)).path
        for name, values in selects.items():
            for value in values:
                urls.append(f"{target}?{urlencode({name: value})}")
    return urls


def header_problems(response: HttpResponse) -> list[str]:
    """What is missing from the security headers of a generated page (issue 14 §5): a strict
    Content-Security-Policy on HTML (script-src 'self' only, nothing inline or eval anywhere), and
    Cache-Control no-store on every HTML or CSV answer."""
    ctype = response.get("Content-Type", "")
    problems = []
    if ctype.startswith("text/html"):
        policy = {
            words[0]: words[1:]
            for part in response.get("Content-Security-Policy", "").split(";")
            if (words := part.split())
        }
        if not policy:
            problems.append("no Content-Security-Policy")
        elif policy.get("script-src") != ["'self'"] or any(
            bad in values for values in policy.values() for bad in ("'unsafe-inline'", "'unsafe-eval'")
        ):
            problems.append(f"weak Content-Security-Policy {response['Content-Security-Policy']!r}")
    if ctype.startswith(("text/html", "text/csv")) and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control {response.get('Cache-Control', '')!r} without no-store")
    return problems


def _fetch(client: Client, url: str, headers: list[str] | None = None) -> tuple[int, str, str, str]:
    """Status, content type, body text (HTML or CSV; "" otherwise), and the traceback of a server error.
    Header problems (``header_problems``) are added to ``headers`` as "url: problem" lines."""
    try:
        response = client.get(url)
    except Exception:  # the test client re-raises only what it must; keep going and report it
        return 500, "", "", traceback.format_exc(limit=-6)
    if headers is not None and (problems := header_problems(response)):
        headers.append(f"{url}: {'; '.join(problems)}")
    tb = ""
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        tb = "".join(traceback.format_exception(*response.exc_info, limit=-6))
    ctype = response.get("Content-Type", "")
    body = ""
    if ctype.startswith(("text/html", "text/csv", "text/plain")):
        raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        body = raw.decode(response.charset or "utf-8", errors="replace")
    elif response.status_code in (301, 302, 303, 307, 308):
        body = response["Location"]
    return response.status_code, ctype, body, tb


def crawl(username: str, known: frozenset[str]) -> Findings:
    found = Findings(username)
    started = time.monotonic()
    user = User.objects.get(username=username)
    visible_matters = set(matters_for(user).values_list("pk", flat=True))
    visible_people = set(petitioners_for(user).values_list("pk", flat=True))
    visible_numbers = set(matters_for(user).values_list("number", flat=True))
    visible_regions = set(regions_for(user).values_list("code", flat=True))
    found.matters_visible = len(visible_matters)
    client = Client(raise_request_exception=False)
    assert client.login(username=username, password=DEMO_PASSWORD), username

    frontier = Frontier()
    frontier.add("/")
    action_links: dict[str, str] = {}  # action URL → the matter page that offered it

    def check(url: str, is_action: bool = False) -> None:
        status, ctype, body, tb = _fetch(client, url, found.headers)
        if status >= 500:
            found.server_errors.append(f"{url}: {status}\n{tb}")
            return
        if status in (301, 302, 303, 307, 308):
            if is_action:
                found.actions_refused.append(f"{url}: {status} to {body}")
            elif target := _internal(url, body):
                frontier.add(target)
            return
        if status >= 400:
            (found.actions_refused if is_action else found.dead_links).append(f"{url}: {status}")
            if ctype.startswith("text/html") and (problems := landmark_problems(parse(body))):
                found.landmarks.append(f"{url} ({status}): {'; '.join(problems)}")
            return
        path = urlsplit(url).path
        if match := MATTER_URL.match(path):
            found.matters_reached.add(int(match.group(1)))
        for pattern, allowed in (
            (MATTER_URL, visible_matters),
            (PETITIONER_URL, visible_people),
            (REGION_URL, visible_regions),
        ):
            if match := pattern.match(path):
                key = match.group(1) if pattern is REGION_URL else int(match.group(1))
                if key in allowed:
                    found.in_scope += 1
                else:
                    found.out_of_scope.append(f"{url}: 200 for {key}, outside {username}'s scope")
        if leaked := clear_pii(body, known):
            found.pii_in_page.append(f"{url}: {leaked}")
        if MASKED.search(body):
            found.masked_shown += 1
        if ctype.startswith("text/csv"):
            numbers = [row[0] for row in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:] if row]
            if outside := sorted(set(numbers) - visible_numbers):
                found.out_of_scope.append(f"{url}: exports matters outside the scope: {outside}")
            if path == "/matters/export.csv" and not urlsplit(url).query and set(numbers) != visible_numbers:
                found.out_of_scope.append(
                    f"{url}: the unfiltered export has {len(numbers)} rows, the scope {len(visible_numbers)}"
                )
        if not ctype.startswith("text/html"):
            return
        page = parse(body)
        if outside := sorted(set(page.numbers) - visible_numbers):
            found.out_of_scope.append(f"{url}: lists matters outside the scope: {outside}")
        if problems := landmark_problems(page):
            found.landmarks.append(f"{url}: {'; '.join(problems)}")
        if missing := unlabelled_controls(page):
            found.labels.append(f"{url}: {', '.join(missing)}")
        for href in page.links:
            if URL_PII.search(href):
                found.pii_in_links.append(f"{url}: link {href}")
            target = _internal(url, href)
            if target is None:
                continue
            if ACTION_URL.match(target):
                if MATTER_URL.match(path) and not ACTION_URL.match(path):
                    action_links.setdefault(target, url)
                continue
            frontier.add(target)
        for target in _filter_urls(url, page):
            frontier.add(target)

    for url in frontier:
        if found.pages >= PAGE_CAP:
            break
        found.pages += 1
        check(url)
    for url in sorted(action_links, key=lambda u: (int(ACTION_URL.match(u).group(1)), u)):  # type: ignore[union-attr]
        found.action_pages += 1
        check(url, is_action=True)
    # The other side of scope: pages of matters, people and regions outside it are 404 (not 200, not 403, which
    # would confirm they exist), first few by id.
    outside_matters = (
        Matter.objects.exclude(pk__in=visible_matters).order_by("pk").values_list("pk", flat=True)
    )
    outside_people = (
        Petitioner.objects.exclude(pk__in=visible_people).order_by("pk").values_list("pk", flat=True)
    )
    probes = [f"/matters/{pk}/" for pk in outside_matters[:PROBES]]
    probes += [f"/matters/{pk}/act/press/" for pk in outside_matters[:PROBES]]
    probes += [f"/petitioners/{pk}/" for pk in outside_people[:PROBES]]
    outside_regions = Region.objects.exclude(code__in=visible_regions).order_by("path")
    probes += [f"/network/region/{code}/" for code in outside_regions.values_list("code", flat=True)[:PROBES]]
    for url in probes:
        status, _, _, tb = _fetch(client, url)
        found.probes += 1
        if status >= 500:
            found.server_errors.append(f"{url}: {status}\n{tb}")
        elif status != 404:
            found.out_of_scope.append(f"{url}: {status} outside {username}'s scope (expected 404)")
    found.seconds = time.monotonic() - started
    return found


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[frozenset[str]]:
    """The demo network and matters, loaded once for the module and rolled back afterwards; yields the
    petitioners' real ID and phone numbers (for the clear-number check)."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        clear_cache()
        discard_pending()
        with frozen(NOW):
            assert load_demo_network() is not None
            assert load_demo_matters(count=COUNT, today=TODAY) is not None
        known = frozenset(
            number
            for person in Petitioner.objects.all()
            for number in (_plaintext(person, "id_number"), _plaintext(person, "phone"))
            if number
        )
        assert known
        yield known
        transaction.set_rollback(True)
    clear_cache()
    discard_pending()


@pytest.fixture(scope="module")
def crawls(demo: frozenset[str], django_db_blocker: object) -> dict[str, Findings]:
    """Every account's crawl, once for the module (on the clock the demo was made for)."""
    with django_db_blocker.unblock(), frozen(NOW):  # type: ignore[attr-defined]
        return {username: crawl(username, demo) for username in ACCOUNTS}


def _none(lines: list[str]) -> None:
    """Fail with the findings themselves (first few, then a count), not a repr of the whole list."""
    if lines:
        shown = lines[:8]
        more = f"\n… and {len(lines) - len(shown)} more" if len(lines) > len(shown) else ""
        pytest.fail(f"{len(lines)} found:\n" + "\n".join(shown) + more, pytrace=False)


# ------------------------------------------------------------------------------------------ tests


accounts = pytest.mark.parametrize("username", ACCOUNTS)


@accounts
def test_the_crawl_reaches_the_site(username: str, crawls: dict[str, Findings]) -> None:
    found = crawls[username]
    print(
        f"\n{username}: {found.pages} pages, {found.action_pages} action pages, {found.probes} probes, "
        f"{len(found.matters_reached)}/{found.matters_visible} matters, {found.seconds:.1f}s"
    )
    assert found.pages >= 10
    assert found.matters_reached, "no matter page reached"
    assert found.in_scope > 0
    # Every demo matter has petitioners with numbers: their masked forms must be on the pages reached.
    assert found.masked_shown > 0


@accounts
def test_no_server_errors(username: str, crawls: dict[str, Findings]) -> None:
    _none(crawls[username].server_errors)


@accounts
def test_no_link_or_filter_leads_to_an_error_page(username: str, crawls: dict[str, Findings]) -> None:
    _none(crawls[username].dead_links)


@accounts
def test_every_page_has_main_title_and_h1(username: str, crawls: dict[str, Findings]) -> None:
    _none(crawls[username].landmarks)


@accounts
def test_every_page_has_a_strict_csp_and_is_not_stored(username: str, crawls: dict[str, Findings]) -> None:
    """Every HTML response: Content-Security-Policy with script-src 'self' and no 'unsafe-inline' or
    'unsafe-eval'; every HTML or CSV response: Cache-Control no-store."""
    _none(crawls[username].headers)


@accounts
def test_every_control_has_a_label(username: str, crawls: dict[str, Findings]) -> None:
    _none(crawls[username].labels)


@accounts
def test_no_id_or_mobile_number_in_clear(username: str, crawls: dict[str, Findings]) -> None:
    _none(crawls[username].pii_in_page)


@accounts
def test_no_id_or_mobile_number_in_a_link(username: str, crawls: dict[str, Findings]) -> None:
    _none(crawls[username].pii_in_links)


@accounts
def test_every_matter_reached_is_in_scope(username: str, crawls: dict[str, Findings]) -> None:
    found = crawls[username]
    _none(found.out_of_scope)
    assert found.in_scope >= len(found.matters_reached)


@accounts
def test_every_offered_action_opens(username: str, crawls: dict[str, Findings]) -> None:
    _none(crawls[username].actions_refused)


def test_the_checks_catch_what_they_look_for() -> None:
    """The detectors themselves, on made-up pages: a crawl that can see nothing proves nothing."""
    good = parse(
        "<html><head><title>事项 · 平台</title></head><body><main><h1>事项</h1>"
        '<form method="get"><label for="a">甲</label><input id="a" name="a">'
        '<label>乙 <input name="b"></label><select name="c" aria-label="丙"><option value="1">一</option>'
        '<option value="">全部</option></select><input type="hidden" name="h"><button>查询</button>'
        '<span id="l">丁</span><textarea name="d" aria-labelledby="l"></textarea></form></main></body></html>'
    )
    assert landmark_problems(good) == [] and unlabelled_controls(good) == []
    assert _filter_urls("/matters/", good) == ["/matters/?c=1"]
    bad = parse(
        "<html><head><title> </title></head><body><main></main><main><h2>x</h2>"
        '<label for="zz">甲</label><input id="a" name="a"><select name="c"></select><textarea id="t"></textarea>'
        '<input type="search" name="q" aria-labelledby="missing"></main></body></html>'
    )
    assert landmark_problems(bad) == ["2 <main>", "titles [' ']", "no <h1>"]
    assert len(unlabelled_controls(bad)) == 4
    for shown in ("15010219900307123X", "身份证 150102199003071234。", "电话:13912345678", "139 1234 5678"):
        assert clear_pii(shown), shown
    for masked in ("150102********1234", "139****1234", "csrf aB150102199003071234cd", "No. 123456789012"):
        assert not clear_pii(masked), masked
    assert clear_pii("tel 0471-6612345", frozenset({"0471-6612345"})) == ["0471-6612345"]
    assert MASKED.search("150102********1234") and MASKED.search("139****1234")
    assert URL_PII.search("/petitioners/?term=13912345678") and URL_PII.search("/x/150102199003071234/")
    assert not URL_PII.search("/matters/?after=MjAyNi0wOS0yNFQwODowNjowMCswMDowMHwzNg")
    assert _internal("/matters/", "?queue=todo") == "/matters/?queue=todo"
    assert _internal("/matters/1/", "/logout/") is None and _internal("/", "https://example.com/") is None
    assert _internal("/", "/admin/matters/") is None and _internal("/", "#main") is None


def _error_page(kind: str) -> HttpResponse:
    request = RequestFactory().get("/matters/1/")
    if kind == "403":
        return defaults.permission_denied(request, PermissionDenied("您现在不能对该事项办理此操作。"))
    if kind == "404":
        return defaults.page_not_found(request, Http404())
    return defaults.server_error(request)


@pytest.mark.parametrize(
    "kind",
    [
        "403",
        "404",
        "500",
    ],
)
def test_error_pages_are_whole_pages(kind: str) -> None:
    """The error pages a crawl cannot reach on purpose (Django renders them from the project's templates)."""
    response = _error_page(kind)
    assert response.status_code == int(kind)
    page = parse(response.content.decode())
    assert landmark_problems(page) == []
    assert set(page.links) == {"/"}  # a way back home, and nothing else that might need a session


def test_the_login_page() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    page = parse(response.content.decode())
    assert landmark_problems(page) == [] and unlabelled_controls(page) == []
    assert header_problems(response) == []
    assert Client().get("/matters/").status_code == 302  # everything else asks for a login first


def test_a_revealed_number_would_be_caught(demo: frozenset[str]) -> None:
    """The one place a full number may appear (a logged, POST-only reveal) is caught by the detectors, so
    the clear-number check recognises the real numbers in the format the site prints them."""
    user = User.objects.get(username="suyala_daiban")
    link = (
        MatterPetitioner.objects.filter(matter__in=matters_for(user), matter__is_accusation=False)
        .exclude(petitioner__id_number_enc="")
        .exclude(petitioner__phone_enc="")
        .order_by("pk")
        .first()
    )
    assert link is not None
    client = Client()
    assert client.login(username=user.username, password=DEMO_PASSWORD)
    with frozen(NOW):
        for kind in ("id_number", "phone"):
            response = client.post(
                f"/matters/{link.matter_id}/petitioners/{link.pk}/reveal/{kind}/", {"reason": "verify"}
            )
            assert response.status_code == 200
            assert clear_pii(response.content.decode()) == [_plaintext(link.petitioner, kind)]


def test_the_actors_get_action_pages(crawls: dict[str, Findings]) -> None:
    # Someone in the demo has work to do: the crawl must have opened action forms at all.
    assert sum(f.action_pages for f in crawls.values()) > 0


@pytest.mark.parametrize("username", HOSTILE_ACCOUNTS)
def test_hostile_urls_never_fail(username: str, demo: frozenset[str]) -> None:
    client = Client(raise_request_exception=False)
    assert client.login(username=username, password=DEMO_PASSWORD)
    failures, broken_pages = [], []
    with frozen(NOW):
        for url in HOSTILE_URLS:
            status, ctype, body, tb = _fetch(client, url)
            if not (status == 200 or 400 <= status < 500):
                failures.append(f"{url}: {status}\n{tb}")
            elif ctype.startswith("text/html") and (problems := landmark_problems(parse(body))):
                broken_pages.append(f"{url} ({status}): {'; '.join(problems)}")
    _none(failures)
    _none(broken_pages)
