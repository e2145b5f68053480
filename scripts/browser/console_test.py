#!/usr/bin/env python3
"""Real-browser test of the SIPWarden web console (run by scripts/browser-test.sh).

Two commands:

  invite   sends a raw SIP INVITE over UDP from an unknown user, with markup in its
           User-Agent and From display name, answers the 407 challenge with credentials
           of a user that does not exist (so the attempt is refused and recorded at once),
           and prints the status codes received;
  browser  drives headless Chromium through selenium: login, TOTP enrolment, dashboard,
           a device created from the form, the refused call found and shown escaped, the
           main pages (screenshots, no console errors), logging out, and the wait after
           three failed logins.

Each check prints one line: `PASS name detail`, `FAIL name detail` or `SKIP name detail`.
Exit status 1 when any check failed. Standard library only, apart from selenium.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import socket
import struct
import sys
import time
import urllib.error
import urllib.request

USER_AGENT = "<script>alert(1)</script>"
# The User-Agent grammar (RFC 3261 section 25) has no room for a bare "<", and the server
# answers such a request 400 without a call; a comment takes any text, so the markup goes
# there, as it would from a scanner that knows the grammar.
USER_AGENT_HEADER = "Evil/1.0 (%s)" % USER_AGENT
DISPLAY_NAME = "<img src=x onerror=alert(2)>"
ESCAPED_USER_AGENT = "&lt;script&gt;alert(1)&lt;/script&gt;"
WAIT = 10  # seconds, for every bounded wait

failures = 0


def result(status, name, detail=""):
    global failures
    if status == "FAIL":
        failures += 1
    print("%s %s %s" % (status, name, detail), flush=True)


# --- SIP -------------------------------------------------------------------------------


def token(n=10):
    return "%x" % random.getrandbits(4 * n)


def parse_response(data):
    text = data.decode("utf-8", "replace")
    head = text.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    match = re.match(r"SIP/2\.0 (\d{3})", lines[0])
    if not match:
        return None, {}
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(match.group(1)), headers


def final_response(sock, call_id, cseq, deadline):
    """The first final response to CSeq `cseq` of `call_id` (provisional ones skipped)."""
    while time.time() < deadline:
        sock.settimeout(max(0.05, deadline - time.time()))
        try:
            data, _ = sock.recvfrom(65535)
        except socket.timeout:
            break
        status, headers = parse_response(data)
        if status is None or headers.get("call-id", [""])[0] != call_id:
            continue
        if not headers.get("cseq", [""])[0].startswith("%d " % cseq):
            continue
        if status >= 200:
            return status, headers
    return None, {}


def digest_params(header):
    return dict((k.lower(), v1 or v2) for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header))


def command_invite(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    local_port = sock.getsockname()[1]
    server = ("127.0.0.1", args.port)
    number = args.number
    ruri = "sip:%s@127.0.0.1:%d" % (number, args.port)
    call_id = "%s@browser-test.invalid" % token(16)
    from_tag = token(8)
    sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")

    def invite(cseq, branch, extra=""):
        return ("INVITE %s SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
                "Max-Forwards: 70\r\n"
                "From: \"%s\" <sip:%s@127.0.0.1>;tag=%s\r\n"
                "To: <sip:%s@127.0.0.1>\r\n"
                "Call-ID: %s\r\n"
                "CSeq: %d INVITE\r\n"
                "Contact: <sip:%s@127.0.0.1:%d>\r\n"
                "User-Agent: %s\r\n"
                "%s"
                "Content-Type: application/sdp\r\n"
                "Content-Length: %d\r\n\r\n%s") % (
            ruri, local_port, branch, DISPLAY_NAME, args.user, from_tag, number, call_id, cseq,
            args.user, local_port, USER_AGENT_HEADER, extra, len(sdp.encode()), sdp)

    def ack(cseq, branch, headers):
        to = headers.get("to", ["<sip:%s@127.0.0.1>" % number])[0]
        message = ("ACK %s SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
                   "Max-Forwards: 70\r\n"
                   "From: \"%s\" <sip:%s@127.0.0.1>;tag=%s\r\n"
                   "To: %s\r\n"
                   "Call-ID: %s\r\n"
                   "CSeq: %d ACK\r\n"
                   "Content-Length: 0\r\n\r\n") % (
            ruri, local_port, branch, DISPLAY_NAME, args.user, from_tag, to, call_id, cseq)
        sock.sendto(message.encode(), server)

    statuses = []
    branch = "z9hG4bK-" + token(12)
    sock.sendto(invite(1, branch).encode(), server)
    status, headers = final_response(sock, call_id, 1, time.time() + 5)
    statuses.append(status)
    if status is not None:
        ack(1, branch, headers)
    challenge = (headers.get("proxy-authenticate") or headers.get("www-authenticate") or [""])[0]
    if status in (401, 407) and challenge.lower().startswith("digest"):
        # Credentials of a user that does not exist: refused (and recorded) at once.
        params = digest_params(challenge[6:])
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        password = "not-" + token(8)
        ha1 = hashlib.md5(("%s:%s:%s" % (args.user, realm, password)).encode()).hexdigest()
        ha2 = hashlib.md5(("INVITE:%s" % ruri).encode()).hexdigest()
        fields = 'username="%s", realm="%s", nonce="%s", uri="%s", algorithm=MD5' % (args.user, realm, nonce, ruri)
        if "auth" in params.get("qop", "").split(","):
            cnonce = token(8)
            response = hashlib.md5(("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce, ha2)).encode()).hexdigest()
            fields += ', qop=auth, nc=00000001, cnonce="%s"' % cnonce
        else:
            response = hashlib.md5(("%s:%s:%s" % (ha1, nonce, ha2)).encode()).hexdigest()
        fields += ', response="%s"' % response
        if "opaque" in params:
            fields += ', opaque="%s"' % params["opaque"]
        header = "Proxy-Authorization" if status == 407 else "Authorization"
        branch = "z9hG4bK-" + token(12)
        sock.sendto(invite(2, branch, "%s: Digest %s\r\n" % (header, fields)).encode(), server)
        status, headers = final_response(sock, call_id, 2, time.time() + 5)
        statuses.append(status)
        if status is not None:
            ack(2, branch, headers)
    print(json.dumps({"call_id": call_id, "statuses": statuses}))
    refused = bool(statuses) and all(s is not None and s >= 400 for s in statuses)
    return 0 if refused else 1


# --- TOTP (RFC 6238: HMAC-SHA1, 30 s, 6 digits) ---------------------------------------------


def totp(key_text, at=None):
    key = re.sub(r"\s+", "", key_text).upper().rstrip("=")
    key += "=" * (-len(key) % 8)
    secret = base64.b32decode(key)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return "%06d" % value


# --- Browser -------------------------------------------------------------------------------


def command_browser(args):
    from selenium import webdriver
    from selenium.common.exceptions import (NoAlertPresentException, NoSuchElementException, TimeoutException,
                                            UnexpectedAlertPresentException, WebDriverException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    base = args.base_url.rstrip("/")
    shots = args.screenshots
    os.makedirs(shots, exist_ok=True)

    def new_driver():
        options = webdriver.ChromeOptions()
        if args.chromium:
            options.binary_location = args.chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900",
                     "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--disable-sync", "--disable-component-update", "--lang=en-GB"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=args.chromedriver) if args.chromedriver else Service()
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        return driver

    def console_errors(driver, ignore=()):
        """SEVERE entries of the browser log since the last call (favicon requests ignored)."""
        bad = []
        for entry in driver.get_log("browser"):
            message = entry.get("message", "")
            if entry.get("level") != "SEVERE" or "favicon" in message:
                continue
            if any(pattern in message for pattern in ignore):
                continue
            bad.append(message[:300])
        return bad

    def alert_text(driver):
        try:
            return driver.switch_to.alert.text
        except NoAlertPresentException:
            return None

    def wait_for(driver, locator, what):
        return WebDriverWait(driver, WAIT).until(EC.presence_of_element_located(locator), message=what)

    def wait_url(driver, fragment):
        WebDriverWait(driver, WAIT).until(lambda d: fragment in d.current_url, message="URL with " + fragment)

    def shot(driver, name):
        driver.save_screenshot(os.path.join(shots, name + ".png"))

    def text_of(driver, css):
        found = driver.find_elements(By.CSS_SELECTOR, css)
        return found[0].text.strip() if found else None

    def raw_page(driver, path):
        """The HTML as the server sent it (not the DOM), with the browser's cookies."""
        cookie = "; ".join("%s=%s" % (c["name"], c["value"]) for c in driver.get_cookies())
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=WAIT) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    driver = new_driver()
    try:
        # --- Login and TOTP enrolment ------------------------------------------------------
        try:
            driver.get(base + "/login")
            wait_for(driver, (By.ID, "login-submit"), "login form")
            shot(driver, "login")
            errors = console_errors(driver)
            driver.find_element(By.ID, "username").send_keys(args.username)
            driver.find_element(By.ID, "password").send_keys(args.password)
            driver.find_element(By.ID, "login-submit").click()
            wait_url(driver, "/enrol")
            key_text = wait_for(driver, (By.ID, "totp-key"), "TOTP key").text
            svg = driver.find_element(By.CSS_SELECTOR, "#totp-qr svg").get_attribute("outerHTML")
            with open(args.qr_output, "w") as out:
                out.write(svg)
            with open(args.qr_output + ".key", "w") as out:
                out.write(re.sub(r"\s+", "", key_text) + "\n")
            shot(driver, "enrol")
            errors += console_errors(driver)
            if errors:
                result("FAIL", "login", "console errors: %s" % errors)
            else:
                result("PASS", "login", "password accepted, sent to /enrol; QR code and key shown")
        except (TimeoutException, NoSuchElementException, WebDriverException) as error:
            result("FAIL", "login", "%s (at %s)" % (str(error).splitlines()[0] if str(error) else type(error).__name__, driver.current_url))
            return
        try:
            # A code used at the very end of its step could expire on the way: wait for the next.
            if 30 - time.time() % 30 < 2:
                time.sleep(30 - time.time() % 30 + 0.2)
            code = totp(key_text)
            driver.find_element(By.ID, "code").send_keys(code)
            driver.find_element(By.ID, "enrol-submit").click()
            codes = wait_for(driver, (By.ID, "recovery-codes"), "recovery codes").find_elements(By.TAG_NAME, "li")
            shot(driver, "recovery")
            count = len(codes)
            driver.find_element(By.ID, "continue").click()
            wait_url(driver, "/dashboard")
            wait_for(driver, (By.ID, "dashboard"), "dashboard")
            title = text_of(driver, "#page-title")
            try:  # the live view: the page's script opens the event stream with the session
                WebDriverWait(driver, WAIT).until(lambda d: text_of(d, "#live-status") == "live")
                live = True
            except TimeoutException:
                live = False
            shot(driver, "dashboard")
            errors = console_errors(driver)
            if count == 10 and title == "Dashboard" and not errors:
                result("PASS", "totp-enrolment", "code %s accepted, 10 recovery codes, dashboard shown" % code)
            else:
                result("FAIL", "totp-enrolment", "recovery codes %d, title %r, console errors %s" % (count, title, errors))
            if live:
                result("PASS", "dashboard-live", "the live view connected to the event stream")
            else:
                result("FAIL", "dashboard-live", "#live-status says %r" % text_of(driver, "#live-status"))
        except (TimeoutException, NoSuchElementException, WebDriverException) as error:
            shot(driver, "enrol-failed")
            result("FAIL", "totp-enrolment", "%s (at %s): %s" % (type(error).__name__, driver.current_url,
                                                                 text_of(driver, "#enrol-error")))
            return

        # --- A device from the form -------------------------------------------------------------
        try:
            driver.get(base + "/devices/new")
            wait_for(driver, (By.ID, "field-username"), "device form")
            driver.find_element(By.ID, "field-username").send_keys("browser-phone")
            driver.find_element(By.ID, "field-password").send_keys(args.device_password)
            driver.find_element(By.ID, "form-submit").click()
            flash = wait_for(driver, (By.ID, "flash"), "flash after creating the device")
            flash_text, flash_class = flash.text.strip(), flash.get_attribute("class")
            table = driver.find_element(By.ID, "data-table").text
            shot(driver, "device-created")
            errors = console_errors(driver)
            if "flash-ok" in flash_class and "browser-phone" in table and not errors:
                result("PASS", "device-create", "flash %r, browser-phone listed" % flash_text[:80])
            else:
                result("FAIL", "device-create", "flash %r (%s), listed %s, console errors %s" % (
                    flash_text[:120], flash_class, "browser-phone" in table, errors))
        except (TimeoutException, NoSuchElementException, WebDriverException) as error:
            shot(driver, "device-failed")
            result("FAIL", "device-create", "%s (at %s): %s" % (type(error).__name__, driver.current_url, text_of(driver, "#form-error")))

        # --- The refused call, found and shown as text ---------------------------------------
        try:
            driver.get(base + "/cdrs")
            search = wait_for(driver, (By.ID, "f-q"), "search field")
            search.send_keys(args.number)
            driver.find_element(By.ID, "filter-submit").click()
            wait_url(driver, "q=")
            table = wait_for(driver, (By.ID, "data-table"), "calls table")
            listed = args.number in table.text
            shot(driver, "cdrs")
            errors = console_errors(driver)
            links = driver.find_elements(By.CSS_SELECTOR, "#data-table tbody tr:first-child td:first-child a")
            if not listed or not links:
                result("FAIL", "cdr-search", "number %s listed %s, link %s" % (args.number, listed, bool(links)))
            elif errors:
                result("FAIL", "cdr-search", "console errors %s" % errors)
            else:
                result("PASS", "cdr-search", "the refused call to %s is listed" % args.number)
            if links:
                href = links[0].get_attribute("href")
                links[0].click()
                wait_url(driver, "/cdrs/")
                wait_for(driver, (By.ID, "page-title"), "call page")
                time.sleep(0.3)  # time for a script, if one were injected
                opened = alert_text(driver)
                source = driver.page_source
                path = "/" + href.split("/", 3)[3]
                status, raw = raw_page(driver, path)
                injected = driver.find_elements(By.CSS_SELECTOR, "main script, main img")
                shot(driver, "call-detail")
                errors = console_errors(driver)
                problems = []
                if opened is not None:
                    problems.append("an alert opened: %r" % opened)
                if ESCAPED_USER_AGENT not in source:
                    problems.append("escaped User-Agent not in the page source")
                if USER_AGENT in source:
                    problems.append("the User-Agent is in the page as markup")
                if status != 200 or ESCAPED_USER_AGENT not in raw or USER_AGENT in raw:
                    problems.append("server's HTML (status %s) does not escape the User-Agent" % status)
                if "&lt;img src=x onerror=alert(2)&gt;" not in raw or "<img src=x" in raw:
                    problems.append("server's HTML does not escape the From display name")
                if injected:
                    problems.append("%d script/img elements in the page's content" % len(injected))
                if errors:
                    problems.append("console errors %s" % errors)
                if problems:
                    result("FAIL", "call-detail-escaped", "; ".join(problems))
                else:
                    result("PASS", "call-detail-escaped", "%s: User-Agent and From shown as text, no alert, no console error" % path)
        except UnexpectedAlertPresentException as error:
            result("FAIL", "call-detail-escaped", "a JavaScript alert opened: %r" % getattr(error, "alert_text", ""))
            try:
                driver.switch_to.alert.dismiss()
            except WebDriverException:
                pass
        except (TimeoutException, NoSuchElementException, WebDriverException) as error:
            shot(driver, "cdrs-failed")
            result("FAIL", "cdr-search", "%s (at %s)" % (type(error).__name__, driver.current_url))

        # --- The main pages ------------------------------------------------------------------
        pages = [("/dashboard", "dashboard"), ("/devices", "devices"), ("/cdrs", "cdrs-all"), ("/reports/calls", "reports-calls"),
                 ("/reports/security", "reports-security"), ("/bans", "bans"), ("/actions", "actions"), ("/users", "users"),
                 ("/countries", "countries"), ("/fraud", "fraud")]
        bad = []
        for path, name in pages:
            try:
                driver.get(base + path)
                title = wait_for(driver, (By.ID, "page-title"), "page title").text.strip()
                if path == "/dashboard":
                    time.sleep(0.5)
                shot(driver, name)
                problems = []
                if not driver.current_url.startswith(base + path):
                    problems.append("ended at %s" % driver.current_url)
                if not title:
                    problems.append("no title")
                if alert_text(driver) is not None:
                    problems.append("an alert opened")
                errors = console_errors(driver)
                if errors:
                    problems.append("console errors %s" % errors)
                if problems:
                    bad.append("%s: %s" % (path, ", ".join(problems)))
            except UnexpectedAlertPresentException:
                bad.append("%s: an alert opened" % path)
            except (TimeoutException, NoSuchElementException, WebDriverException) as error:
                shot(driver, name + "-failed")
                bad.append("%s: %s" % (path, type(error).__name__))
        if bad:
            result("FAIL", "pages", "; ".join(bad))
        else:
            result("PASS", "pages", "%d pages rendered with a title, no console error or CSP violation; screenshots in %s" % (len(pages), shots))

        # --- Logging out -------------------------------------------------------------------------
        try:
            driver.get(base + "/dashboard")
            wait_for(driver, (By.ID, "logout"), "log-out button").click()
            wait_url(driver, "/login")
            wait_for(driver, (By.ID, "login-form"), "login form after logging out")
            driver.get(base + "/dashboard")
            wait_for(driver, (By.ID, "login-form"), "login form instead of the dashboard")
            ended = driver.current_url
            errors = console_errors(driver)
            if "/login" in ended and not driver.find_elements(By.ID, "dashboard") and not errors:
                result("PASS", "logout", "logged out; /dashboard then redirects to /login")
            else:
                result("FAIL", "logout", "after logging out /dashboard ended at %s, console errors %s" % (ended, errors))
        except (TimeoutException, NoSuchElementException, WebDriverException) as error:
            result("FAIL", "logout", "%s (at %s)" % (type(error).__name__, driver.current_url))
    finally:
        driver.quit()

    # --- The wait after three failed logins (a fresh browser) --------------------------------
    driver = new_driver()
    try:
        messages = []
        for attempt in range(4):
            driver.get(base + "/login")
            wait_for(driver, (By.ID, "login-submit"), "login form")
            driver.find_element(By.ID, "username").send_keys(args.username)
            driver.find_element(By.ID, "password").send_keys(args.password if attempt == 3 else "Wrong-password-%d!" % attempt)
            driver.find_element(By.ID, "login-submit").click()
            WebDriverWait(driver, WAIT).until(
                lambda d: d.find_elements(By.ID, "login-error") or "/login" not in d.current_url, message="answer to the login")
            messages.append(text_of(driver, "#login-error") or "(no error; at %s)" % driver.current_url)
        shot(driver, "login-wait")
        # The refused logins' error statuses (401, 429) are the only console errors expected.
        logged = [e.get("message", "") for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        unexpected = [m[:200] for m in logged if "favicon" not in m and "status of 401" not in m and "status of 429" not in m]
        saw_429 = any("status of 429" in m for m in logged)
        fourth = messages[3]
        if "wait" in fourth.lower() and "/login" in driver.current_url and not unexpected:
            result("PASS", "login-wait", "4th login (right password) refused%s: %r" % (" with 429" if saw_429 else "", fourth))
        else:
            result("FAIL", "login-wait", "answers %s, at %s, console errors %s" % (messages, driver.current_url, unexpected))
    except (TimeoutException, NoSuchElementException, WebDriverException) as error:
        result("FAIL", "login-wait", "%s (at %s)" % (type(error).__name__, driver.current_url))
    finally:
        driver.quit()


def command_guesser(args):
    """A password guesser from 127.0.0.2 (the Guard trusts only 127.0.0.1 and ::1): wrong
    passwords, then tries during the wait, until the console-login jail bans the address and
    the listener refuses it (closes its connections at accept, or answers 403 to a request
    already in flight); 127.0.0.1 is still served."""
    import http.client
    import re
    import urllib.parse

    host, port = args.host, args.port

    def request(method, path, body=None, headers=None, source="127.0.0.2"):
        """(status, cookie, page); status "closed" when the listener closed the connection
        without an answer (a banned source is refused at accept)."""
        connection = http.client.HTTPConnection(host, port, timeout=5, source_address=(source, 0))
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheader("Set-Cookie") or "", response.read().decode("utf-8", "replace")
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
            return "closed", "", ""
        finally:
            connection.close()

    def refused(status):
        return status in (403, "closed")

    statuses = []
    deadline = time.time() + 20
    banned = False
    while time.time() < deadline and len(statuses) < 40:
        status, cookie, page = request("GET", "/login")
        if refused(status):
            banned = True
            break
        form_cookie = cookie.split(";", 1)[0]
        match = re.search(r'name="_csrf" value="([^"]*)"', page)
        body = urllib.parse.urlencode({"_csrf": match.group(1) if match else "", "username": "alice", "password": "guess-%d!A1xyz" % len(statuses)})
        status, _, _ = request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": form_cookie})
        statuses.append(status)
        if refused(status):
            banned = True
            break
    # The ban reaches the listener within the Guard's next drain: give it a few seconds.
    while banned is False and time.time() < deadline:
        time.sleep(0.2)
        banned = refused(request("GET", "/login")[0])
    loopback = request("GET", "/login", source="127.0.0.1")[0]
    summary = "answers %s" % statuses
    if banned and loopback == 200 and 429 in statuses:
        result("PASS", "guesser-banned", "127.0.0.2 refused (403 or closed at accept) after %d tries (%s); 127.0.0.1 still served" % (len(statuses), summary))
        return 0
    result("FAIL", "guesser-banned", "banned=%s loopback=%s %s" % (banned, loopback, summary))
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    invite = commands.add_parser("invite")
    invite.add_argument("--port", type=int, required=True)
    invite.add_argument("--number", required=True)
    invite.add_argument("--user", default="mallory")
    guesser = commands.add_parser("guesser")
    guesser.add_argument("--host", default="127.0.0.1")
    guesser.add_argument("--port", type=int, required=True)
    browser = commands.add_parser("browser")
    browser.add_argument("--base-url", required=True)
    browser.add_argument("--username", required=True)
    # Passwords from the environment, not the command line (which any local user can read).
    browser.add_argument("--password", default=os.environ.get("CONSOLE_PASSWORD", ""))
    browser.add_argument("--device-password", default=os.environ.get("DEVICE_PASSWORD", ""))
    browser.add_argument("--number", required=True)
    browser.add_argument("--screenshots", required=True)
    browser.add_argument("--qr-output", required=True)
    browser.add_argument("--chromium", default="")
    browser.add_argument("--chromedriver", default="")
    args = parser.parse_args()
    if args.command == "browser" and not (args.password and args.device_password):
        parser.error("CONSOLE_PASSWORD and DEVICE_PASSWORD must be set")
    if args.command == "invite":
        return command_invite(args)
    if args.command == "guesser":
        return command_guesser(args)
    command_browser(args)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
