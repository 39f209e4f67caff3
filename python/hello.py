"""hello.py — chapitre 04 en Python : Flask et requests, en bloquant.

Le jumeau de td6/04_web/hello.c. /comic va chercher une bande xkcd au
hasard ; /comic2 en va chercher cinq, l'une après l'autre. requests bloque
le thread de la requête pendant l'appel à l'API : la page de /comic2 met
cinq latences à venir.

    XKCD_API=http://127.0.0.1:8606/xkcd python3 python/hello.py [PORT]

À observer (make comparer) : « Time taken » ≈ 5 latences pour /comic2, et le
serveur local n'a jamais vu plus d'une requête de /comic2 à la fois.
"""

import sys
import time

import requests
from flask import Flask

import web

app = Flask(__name__)


def get_xkcd_image():
    with requests.get(web.random_comic_url(), timeout=30) as response:
        response.raise_for_status()
        return web.image_of(response.json())


def get_multiple_images(number):
    return [get_xkcd_image() for _ in range(number)]


def serve_comics(number):
    start = time.time()
    try:
        images = get_multiple_images(number)
    except (requests.RequestException, ValueError) as error:
        print(f"hello : échec de l'API : {error}", file=sys.stderr)
        return web.error_page(502, f"l'API xkcd n'a pas répondu correctement : {error}")
    return web.comics_page(time.time() - start, images)


@app.get("/comic")
def comic():
    return serve_comics(1)


@app.get("/comic2")
def comic2():
    return serve_comics(5)


if __name__ == "__main__":
    sys.exit(web.serve(app, "hello"))
