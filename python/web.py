"""web.py — ce que les deux serveurs Flask du TD partagent (pas la leçon).

La page du cours (« Time taken », puis les images), la page d'erreur en
français, le numéro de bande au hasard, et le démarrage : écouter sur
127.0.0.1, afficher l'URL en première ligne (comme les programmes C du
chapitre 04), s'arrêter proprement sur Ctrl-C ou SIGTERM.
"""

import html
import logging
import random
import signal
import sys

from werkzeug.serving import make_server

import td6

MAX_COMIC = 300       # comme hello.c : un numéro entre 1 et 300, sauf 404
PAGE_START = ('<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
              '<title>{title}</title></head><body>\n')
PAGE_END = "</body></html>\n"


def random_comic_url():
    number = random.randint(1, MAX_COMIC)
    while number == 404:        # xkcd n'a pas de bande 404
        number = random.randint(1, MAX_COMIC)
    return f"{td6.xkcd_api()}/{number}/info.0.json"


def comics_page(seconds, images):
    parts = [PAGE_START.format(lang="en", title="xkcd"), f"Time taken: {seconds:.3f}<br><br>\n"]
    for image in images:
        parts.append(f'<img src="{html.escape(image)}" alt="xkcd"><br><br>\n')
    parts.append(PAGE_END)
    return "".join(parts)


def error_page(status, message):
    title = f"Erreur {status}"
    body = (PAGE_START.format(lang="fr", title=title)
            + f"<h1>{title}</h1>\n<p>{html.escape(message)}</p>\n" + PAGE_END)
    return body, status, {"Content-Type": "text/html; charset=utf-8"}


def image_of(data):
    """Le champ « img » d'une réponse de l'API, ou une erreur claire."""
    if not isinstance(data, dict) or not isinstance(data.get("img"), str):
        raise ValueError("réponse de l'API sans champ « img »")
    return data["img"]


def serve(app, name):
    """Écoute sur 127.0.0.1:PORT (argument, 5000 par défaut, 0 = libre)."""
    usage = f"""usage : {{prog}} [PORT]
Serveur web du chapitre 04 en Python (PORT de 0 à 65535, 5000 par défaut ; 0 = un port libre)."""
    prog, _, rest = td6.parse_args(sys.argv, usage)
    if len(rest) > 1:
        td6.usage_error(prog, "un seul argument attendu : le port")
    port = td6.parse_int(prog, "PORT", rest[0], 0, 65535) if rest else 5000
    # Pas une ligne par requête sur la console : le serveur C n'en écrit pas.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    try:
        # threaded=True : un thread par requête, comme le serveur de
        # développement de Flask (et comme hello.c, un thread par connexion).
        server = make_server("127.0.0.1", port, app, threaded=True)
    except OSError as error:
        print(f"{name} : impossible d'écouter sur le port {port} : {error.strerror}",
              file=sys.stderr)
        return 1
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    print(f"Ouvrez http://127.0.0.1:{server.server_port}/comic ou /comic2 ; "
          f"API : {td6.xkcd_api()} ; Ctrl-C pour arrêter.", flush=True)

    def stop(signum, _frame):
        raise KeyboardInterrupt(signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print(f"{name} : arrêté.", flush=True)
    return 0
