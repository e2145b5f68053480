#!/usr/bin/env python3
"""Runs a sipvicious 0.3.8 tool (svmap, svwar or svcrack) from a chosen source address and,
optionally, with a User-Agent of our choosing: an attacker that lies about itself.

    launch.py [--source IP] [--user-agent TEXT] TOOL [TOOL ARGUMENTS...]

Run it with the Python interpreter sipvicious is installed into (the one in the shebang of
`sipvicious_svwar`), e.g.

    python3.11 scripts/guard/launch.py --source 127.0.0.3 --user-agent 'Yealink SIP-T46S' \
        svwar -e1000-1010 --force -m REGISTER -P 30001 -x 127.0.0.3 -p 5060 127.0.0.1

Why a launcher: in 0.3.8 only svmap honours `-b`; svwar and svcrack bind their UDP socket to
0.0.0.0 (`self.sock.bind((self.bindingip, self.localport))` with bindingip ''), so on Linux
loopback their packets would leave from 127.0.0.1. Wrapping `socket.socket.bind` before the
tool's module is imported makes every wildcard IPv4 bind use --source instead; the tool's
own port search (`-P`, then +1 until a bind succeeds) still works.

The User-Agent is hard-coded as the default `useragent='friendly-scanner'` argument of
`sipvicious.libs.svhelper.makeRequest`, and no command passes its own. The tools import the
function by name (`from sipvicious.libs.svhelper import makeRequest`), so rebinding the
module attribute would not reach them: the launcher rewrites the function's `__defaults__`
instead, which every caller shares. Everything else (From, tags, Contact, branch and Call-ID
layout) stays exactly as sipvicious writes it.

Prints one line to standard error saying what it changed, then runs the tool's own `main()`
and exits with its status.
"""
import argparse
import inspect
import socket
import sys

TOOLS = {"svmap": "sipvicious.svmap", "svwar": "sipvicious.svwar", "svcrack": "sipvicious.svcrack"}


def bind_from(source):
    """Every IPv4 socket bound to the wildcard address (or '') binds to `source` instead."""
    original = socket.socket.bind

    def bind(self, address):
        if (self.family == socket.AF_INET and isinstance(address, tuple) and len(address) == 2
                and address[0] in ("", "0.0.0.0")):
            address = (source, address[1])
        return original(self, address)

    socket.socket.bind = bind


def replace_user_agent(user_agent):
    """Sets the default `useragent` of svhelper.makeRequest; returns the previous one."""
    from sipvicious.libs import svhelper

    function = svhelper.makeRequest
    parameters = list(inspect.signature(function).parameters.values())
    defaults = list(function.__defaults__)
    with_defaults = [p.name for p in parameters if p.default is not inspect.Parameter.empty]
    if "useragent" not in with_defaults or len(with_defaults) != len(defaults):
        sys.exit("launch.py: svhelper.makeRequest has no default useragent argument: not sipvicious 0.3.8?")
    index = with_defaults.index("useragent")
    previous = defaults[index]
    defaults[index] = user_agent
    function.__defaults__ = tuple(defaults)
    return previous


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="IPv4 address to send from (wildcard binds become this)")
    parser.add_argument("--user-agent", help="User-Agent instead of sipvicious' 'friendly-scanner'")
    parser.add_argument("tool", choices=sorted(TOOLS))
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    options = parser.parse_args()

    changes = []
    if options.source:
        socket.inet_aton(options.source)  # a bad address fails here, not deep inside the tool
        bind_from(options.source)
        changes.append(f"binds from {options.source}")
    if options.user_agent is not None:
        previous = replace_user_agent(options.user_agent)
        changes.append(f"User-Agent {options.user_agent!r} instead of {previous!r}")
    print(f"launch.py: {options.tool} {' '.join(options.arguments)}"
          f" ({'; '.join(changes) or 'unchanged'})", file=sys.stderr, flush=True)

    module = __import__(TOOLS[options.tool], fromlist=["main"])
    sys.argv = [f"sipvicious_{options.tool}"] + options.arguments
    sys.exit(module.main())


if __name__ == "__main__":
    main()
