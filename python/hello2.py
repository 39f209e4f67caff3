"""hello2.py — chapitre 04 en Python : Flask async, httpx et gather.

Le jumeau de td6/04_web/hello2.c. /comic va chercher cinq bandes xkcd, mais
les cinq appels à l'API partent ensemble : un httpx.AsyncClient et
asyncio.gather, dans une vue « async def » (Flask la fait tourner dans une
boucle d'événements à elle, le temps de la requête). /comic2 fait la même
chose, pour comparer avec hello /comic2 à la même adresse.

    XKCD_API=http://127.0.0.1:8606/xkcd python3 python/hello2.py [PORT]

À observer (make comparer) : « Time taken » ≈ une latence pour cinq images ;
le serveur local a vu les cinq requêtes en même temps.
"""

import asyncio
import sys
import time

import httpx
from flask import Flask

import web

app = Flask(__name__)


async def get_xkcd_image(session):
    response = await session.get(web.random_comic_url())
    response.raise_for_status()
    return web.image_of(response.json())


async def get_multiple_images(number):
    # Un client pour les cinq appels : il garde ses connexions, comme la
    # poignée multi de libcurl dans hello2.c.
    async with httpx.AsyncClient(timeout=30) as session:
        tasks = [get_xkcd_image(session) for _ in range(number)]
        return await asyncio.gather(*tasks)


async def serve_comics(number):
    start = time.time()
    try:
        images = await get_multiple_images(number)
    except (httpx.HTTPError, ValueError) as error:
        print(f"hello2 : échec de l'API : {error}", file=sys.stderr)
        return web.error_page(502, f"l'API xkcd n'a pas répondu correctement : {error}")
    return web.comics_page(time.time() - start, images)


@app.get("/comic")
async def comic():
    return await serve_comics(5)


@app.get("/comic2")
async def comic2():
    return await serve_comics(5)


if __name__ == "__main__":
    sys.exit(web.serve(app, "hello2"))
