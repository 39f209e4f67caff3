"""td6.py — ce que les programmes Python du TD partagent (pas la leçon).

Les programmes de ce dossier sont les jumeaux Python des programmes C du TD :
mêmes arguments, mêmes variables d'environnement (TD6_SERVER, XKCD_API),
mêmes lignes affichées (« Read ... », « Downloaded ... », « cpu_bound(N) =
... », « Duration ... »), pour que `make comparer` lise les deux de la même
façon. Ce module porte ce qui n'est pas la leçon : la liste d'URL du cours,
la lecture de la ligne de commande (messages en français, comme en C) et
l'affichage des sommes.
"""

import os
import sys

DEFAULT_SERVER = "http://127.0.0.1:8606"
DEFAULT_REPEAT = 80          # ["jython", "dice"] * 80, comme le cours
# Les nombres du cours (5 000 000 + x). Les programmes C en prennent de
# 16 fois plus grands (C va environ 40 fois plus vite) : `make comparer`
# donne à chacun des deux les mêmes nombres, explicitement.
DEFAULT_NUMBERS = [5_000_000 + x for x in range(20)]
MAX_NUMBER = 10_000_000_000


def server():
    """L'URL du serveur local (TD6_SERVER), sans « / » final."""
    return (os.environ.get("TD6_SERVER") or DEFAULT_SERVER).rstrip("/")


def xkcd_api():
    """L'API xkcd : $XKCD_API, sinon celle du serveur local."""
    return (os.environ.get("XKCD_API") or server() + "/xkcd").rstrip("/")


def sites(urls):
    """Les URL données, ou la liste du cours : les deux pages, 80 fois."""
    if urls:
        return list(urls)
    return [server() + "/jython", server() + "/dice"] * DEFAULT_REPEAT


def usage_error(prog, message):
    """Une erreur de ligne de commande : le message, puis où trouver l'aide."""
    print(f"{prog} : {message}", file=sys.stderr)
    print(f"essayez « {prog} --help ».", file=sys.stderr)
    sys.exit(2)


def parse_int(prog, option, text, low, high):
    """Un entier dans [low, high], ou une erreur en français."""
    try:
        value = int(text, 10)
    except ValueError:
        value = None
    if value is None or not low <= value <= high or text.strip() != text:
        usage_error(prog, f"{option} attend un entier de {low} à {high}, pas « {text} »")
    return value


def parse_args(argv, usage, options=None, flags=()):
    """Lit la ligne de commande comme les programmes C du TD.

    options : {"-w": (nom, défaut, min, max)} pour les options à valeur ;
    flags : les options sans valeur (« --spawn »). Renvoie (valeurs, reste).
    Un argument qui commence par « - » n'est jamais un opérande ; « -- »
    termine les options.
    """
    prog = os.path.basename(argv[0]).removesuffix(".py")
    options = options or {}
    values = {name: default for name, default, _, _ in options.values()}
    values.update({flag.lstrip("-"): False for flag in flags})
    rest = []
    args = argv[1:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i + 1:])
            break
        if arg in ("-h", "--help"):
            print(usage.format(prog=prog))
            sys.exit(0)
        if arg in options:
            if i + 1 >= len(args):
                usage_error(prog, f"l'option {arg} attend une valeur")
            name, _, low, high = options[arg]
            values[name] = parse_int(prog, arg, args[i + 1], low, high)
            i += 2
            continue
        if arg in flags:
            values[arg.lstrip("-")] = True
        elif arg.startswith("-") and arg != "-":
            usage_error(prog, f"option inconnue : {arg}")
        else:
            rest.append(arg)
        i += 1
    return prog, values, rest


def numbers(prog, texts):
    """Les nombres N ≥ 0 donnés, ou ceux du cours."""
    if not texts:
        return list(DEFAULT_NUMBERS)
    return [parse_int(prog, "N", t, 0, MAX_NUMBER) for t in texts]
