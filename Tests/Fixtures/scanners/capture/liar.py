"""Runs a sipvicious tool with its hard-coded User-Agent replaced (a scanner that lies)."""
import sys, importlib
from sipvicious.libs import svhelper
tool = sys.argv[1]; ua = sys.argv[2]
names = svhelper.makeRequest.__code__.co_varnames[:svhelper.makeRequest.__code__.co_argcount]
defaults = list(svhelper.makeRequest.__defaults__)
offset = len(names) - len(defaults)
defaults[names.index('useragent') - offset] = ua
svhelper.makeRequest.__defaults__ = tuple(defaults)
sys.argv = [tool] + sys.argv[3:]
sys.exit(importlib.import_module('sipvicious.' + tool).main())
