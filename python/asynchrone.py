"""asynchrone.py — chapitre 03 en Python : asyncio, aiohttp et gather.

Le jumeau de td6/03_async/asynchrone.c : une seule ClientSession (son
connecteur garde les connexions, comme la poignée multi de libcurl), une
tâche par page, et asyncio.gather les attend toutes.

    python3 python/asynchrone.py [-m CONNEXIONS] [URL...]

-m fixe la limite du connecteur d'aiohttp : 100 par défaut, la valeur
d'aiohttp lui-même (le C, lui, n'en a pas sans -m).

À observer (make comparer) : le serveur voit au plus CONNEXIONS requêtes en
vol ; à 100, le temps est celui de deux vagues de requêtes.
"""

import asyncio
import sys
import time

import aiohttp

import td6

USAGE = """usage : {prog} [-m CONNEXIONS] [URL...]
Télécharge les URL toutes ensemble (CONNEXIONS de 1 à 10000, 100 par défaut)."""


async def download_site(session, url):
    try:
        async with session.get(url) as response:
            response.raise_for_status()
            body = await response.read()
            print(f"Read {len(body)} from {url}")
            return True
    except aiohttp.ClientError as error:
        print(f"Échec de {url} : {error}", file=sys.stderr)
        return False


async def download_all_sites(sites, connections):
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [download_site(session, url) for url in sites]
        return await asyncio.gather(*tasks)


def main():
    _, values, urls = td6.parse_args(sys.argv, USAGE, {"-m": ("connections", 100, 1, 10000)})
    sites = td6.sites(urls)
    start_time = time.time()
    results = asyncio.run(download_all_sites(sites, values["connections"]))
    duration = time.time() - start_time
    print(f"Downloaded {sum(results)} in {duration:.3f} seconds")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
