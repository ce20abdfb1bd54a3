"""Help: a plain-words page open to everyone, reachable from the menu and the footer, and a
public page whose links never lead to a login."""

from __future__ import annotations

from bs4 import BeautifulSoup

from cancer_alliance.web import mdc


def soup(r):
    assert r.status_code == 200, r.text[:300]
    return BeautifulSoup(r.text, "html.parser")


def test_help_explains_every_icon_and_is_open_to_everyone(clients):
    for role in ("public", "board", "provider", "analyst"):
        s = soup(clients[role].get("/help"))
        assert "/help" in [a["href"] for a in s.select(".site-nav a")], role
        assert "/help" in [a["href"] for a in s.select(".site-footer a")], role
    text = s.get_text(" ", strip=True)
    for words in ("funnel", "99.8%", "95%", "confidence interval", "half a patient",
                  "provisional", "final"):
        assert words.lower() in text.lower(), words
    icons = s.select("section#mdc td span, section[aria-labelledby=mdc] svg, "
                     "section[aria-labelledby=mdc] td > *")
    assert icons, "the key draws the icons the tables use"
    rows = s.select("section[aria-labelledby=mdc] tbody tr")
    assert len(rows) == len(mdc.VARIATION) + len(mdc.ASSURANCE)


def test_the_public_page_explains_itself_and_its_links_do_not_ask_for_a_login(clients):
    client = clients["public"]
    s = soup(client.get("/public"))
    assert "/help" in [a["href"] for a in s.select("main a")]
    links = [a["href"] for a in s.select("table.headline a") if not a["href"].startswith("/help")]
    assert links and all(h.startswith("/definitions#d-") for h in links)
    for href in {h.split("#")[0] for h in links}:
        r = client.get(href, follow_redirects=False)
        assert r.status_code == 200, (href, r.status_code)  # not a redirect to /login


def test_logged_in_users_still_reach_the_standard_pages(clients):
    s = soup(clients["analyst"].get("/"))
    links = [a["href"] for a in s.select("table.headline tbody th a")]
    assert links and all(h.startswith("/standards/") for h in links)
