"""The made-up people the demo and scale seeds share: the staff e-mail domain, names by country, performer
names, and the performer columns both scale seeds bulk-load.

`seed.py`, `catalog/demo.py` and `compliance/demo/` all import from here (and nothing here imports them), so
the seeds no longer import each other for their data.
"""

from __future__ import annotations

DEMO_DOMAIN = "console.example"

# (country, first names, last names, e-mail domains): names and countries that read as real people.
PEOPLE: list[tuple[str, list[str], list[str], list[str]]] = [
    (
        "US",
        ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Harper"],
        ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Moore"],
        ["gmail.com", "yahoo.com", "outlook.com", "icloud.com"],
    ),
    (
        "GB",
        ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Lily", "Charlie", "Freya"],
        ["Taylor", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Green", "Hall", "Clarke"],
        ["gmail.com", "btinternet.com", "hotmail.co.uk"],
    ),
    (
        "DE",
        ["Lukas", "Mia", "Leon", "Emilia", "Finn", "Hannah", "Paul", "Lena", "Jonas", "Marie"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Wagner", "Hoffmann", "Koch", "Richter"],
        ["gmx.de", "web.de", "t-online.de"],
    ),
    (
        "FR",
        ["Gabriel", "Jade", "Louis", "Louise", "Raphaël", "Emma", "Arthur", "Alice", "Jules", "Chloé"],
        ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"],
        ["orange.fr", "free.fr", "laposte.net"],
    ),
    (
        "ES",
        ["Hugo", "Lucía", "Martín", "Sofía", "Pablo", "Martina", "Álvaro", "María", "Diego", "Paula"],
        ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz"],
        ["gmail.com", "telefonica.net"],
    ),
    (
        "BR",
        ["Miguel", "Helena", "Arthur", "Alice", "Heitor", "Laura", "Bernardo", "Manuela", "Davi", "Valentina"],
        ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes"],
        ["uol.com.br", "gmail.com", "bol.com.br"],
    ),
    (
        "JP",
        ["Haruto", "Yui", "Sota", "Hina", "Yuto", "Mei", "Riku", "Sakura", "Kaito", "Aoi"],
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato"],
        ["docomo.ne.jp", "yahoo.co.jp"],
    ),
    (
        "NL",
        ["Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Levi", "Tess", "Finn", "Sophie"],
        ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos"],
        ["ziggo.nl", "kpnmail.nl"],
    ),
    (
        "CA",
        ["Liam", "Charlotte", "Noah", "Olivia", "William", "Amelia", "Benjamin", "Emma", "Leo", "Chloe"],
        ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné"],
        ["rogers.com", "shaw.ca", "videotron.ca"],
    ),
    (
        "AU",
        ["Oliver", "Charlotte", "Jack", "Olivia", "William", "Isla", "Leo", "Mia", "Henry", "Ava"],
        ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin", "White"],
        ["bigpond.com", "optusnet.com.au"],
    ),
    (
        "SE",
        ["William", "Alice", "Liam", "Maja", "Noah", "Elsa", "Hugo", "Astrid", "Oscar", "Wilma"],
        [
            "Andersson",
            "Johansson",
            "Karlsson",
            "Nilsson",
            "Eriksson",
            "Larsson",
            "Olsson",
            "Persson",
            "Svensson",
            "Gustafsson",
        ],
        ["telia.com", "gmail.com"],
    ),
    (
        "PL",
        ["Antoni", "Zuzanna", "Jan", "Julia", "Aleksander", "Zofia", "Franciszek", "Hanna", "Nikodem", "Maja"],
        [
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kowalczyk",
            "Kamiński",
            "Lewandowski",
            "Zieliński",
            "Szymański",
            "Woźniak",
        ],
        ["wp.pl", "onet.pl", "interia.pl"],
    ),
    (
        "MX",
        ["Santiago", "Sofía", "Mateo", "Valentina", "Sebastián", "Regina", "Leonardo", "Camila", "Emiliano", "Ximena"],
        ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Cruz"],
        ["prodigy.net.mx", "gmail.com"],
    ),
    (
        "IN",
        ["Aarav", "Aadhya", "Vihaan", "Diya", "Arjun", "Ananya", "Sai", "Saanvi", "Reyansh", "Pari"],
        ["Sharma", "Verma", "Gupta", "Patel", "Singh", "Kumar", "Reddy", "Iyer", "Nair", "Das"],
        ["gmail.com", "rediffmail.com"],
    ),
]

# Performer stage names: a first and a last name drawn at random.
FIRST = [
    "Ava",
    "Mila",
    "Luna",
    "Jade",
    "Nova",
    "Ivy",
    "Ruby",
    "Skye",
    "Aria",
    "Lola",
    "Max",
    "Leo",
    "Kai",
    "Jax",
    "Theo",
    "Rio",
    "Zane",
    "Cole",
    "Ezra",
    "Finn",
    "Zoë",
    "Inès",
    "Björn",
    "Amélie",
    "Noé",
]
LAST = [
    "Stone",
    "Rivers",
    "Vale",
    "Cruz",
    "Hart",
    "Blake",
    "Frost",
    "Knight",
    "Monroe",
    "Lane",
    "Wilde",
    "Sterling",
    "Rose",
    "Fox",
    "Reyes",
    "Quinn",
    "Marlowe",
    "Sinclair",
    "Voss",
    "Delacroix",
]

PERFORMER_COLUMNS = ["name", "slug", "bio", "is_active", "video_count", "created_at", "updated_at", "version"]
