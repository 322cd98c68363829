#!/usr/bin/python3
"""Deterministic synthetic help desk for the ticket benchmark (scripts/bench tickets).

Fills a freshly migrated Entraide database (`entraide migrate`, nothing else in it) with groups,
people, memberships, tickets, their events and a few linked articles, straight through sqlite3, in
one transaction (journal_mode=WAL). The rows follow migrations/0003_accounts.sql and
0004_tickets.sql, and the workflow of src/tickets (every change is an event, as the service would
have written it):

  groups        GROUPS associations ("Association ... de <ville>"), 3 in 4 French
  users         MEMBERS_PER_GROUP members per group (one group each), VOLUNTEERS volunteers,
                COORDINATORS coordinators; password_hash NULL (sign-in links only: the benchmark
                gives passwords to the few it signs in with, through the CLI)
  tickets       HISTORIC resolved or closed tickets created over the last YEARS years (resolved
                ones only within the auto-close delay of 14 days, as the auto-close would have
                closed the older ones), and OPEN open tickets of the last 45 days: new 30 %,
                triaged 20 %, in_progress 30 %, waiting_on_group 20 %. Ids and refs
                (ENT-YYYY-NNNN, numbered per year) follow creation order; ticket_refs holds the
                highest number of each year, so a ticket created afterwards gets the next one.
                Subjects, Markdown bodies and their HTML (as the bounded renderer writes it) in
                the group's language, from per-category templates.
  ticket_events created, assign + status (a claim), public replies (from volunteers, some asking
                the group, and the group's answers), internal notes, status changes, helpful
  ticket_articles  about 1 ticket in 8 links an article key of content/

Nothing is dated after NOW - 1 hour, so the 20-tickets-an-hour limit starts at zero for everyone.
Same options (seed and NOW included), same Python (3.2+) and same content/ -> the same rows; the
summary line ends with a sha256 of every row written, to compare two runs.

Usage: /usr/bin/python3 scripts/gen_tickets.py DB [--now EPOCH] [--seed 20261128] [--groups 400]
       [--members-per-group 3] [--volunteers 60] [--coordinators 1] [--historic 100000] [--open 2000]
       [--years 3] [--content DIR]
Prints one line: "gen_tickets: ..." with the counts, the time taken and the digest.
"""

import argparse
import datetime
import hashlib
import heapq
import html
import os
import random
import sqlite3
import sys
import time

DAY = 86400
HOUR = 3600
AUTO_CLOSE_S = 14 * DAY
CATEGORIES = ("accounts-passwords", "email", "website", "hardware", "network", "software", "data-backups",
              "security", "other")
CATEGORY_WEIGHTS = (18, 16, 10, 14, 12, 12, 8, 6, 4)
URGENCIES = ("low", "normal", "high", "blocking")
URGENCY_WEIGHTS = (20, 55, 20, 5)

FIRST_NAMES = {
    "fr": ["Amélie", "Benoît", "Camille", "Denis", "Élise", "François", "Geneviève", "Hugo", "Isabelle", "Jacques",
           "Karine", "Louis", "Mathilde", "Nicolas", "Odile", "Pascal", "Quentin", "Renée", "Sylvie", "Thierry",
           "Valérie", "Yannick", "Zoé", "Mélanie", "Étienne", "Josée", "Marc-André", "Nathalie", "Sébastien", "Chloé"],
    "en": ["Alice", "Brian", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Irene", "James", "Karen", "Liam",
           "Maya", "Noah", "Olivia", "Peter", "Rachel", "Samuel", "Tara", "Victor", "Wendy", "Zack", "Priya", "Omar"],
}
LAST_NAMES = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
              "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard",
              "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Smith", "Brown", "Wilson", "Martin",
              "Taylor", "Campbell", "Anderson", "Nguyen", "Singh", "Haddad", "Diallo", "Cohen", "Rossi", "Kowalski"]
TOWNS = ["Rimouski", "Sherbrooke", "Trois-Rivières", "Gatineau", "Saguenay", "Lévis", "Drummondville", "Granby",
         "Joliette", "Rouyn-Noranda", "Matane", "Gaspé", "Victoriaville", "Saint-Jérôme", "Shawinigan", "Longueuil",
         "Laval", "Montréal", "Québec", "Sept-Îles", "Alma", "Magog", "Baie-Comeau", "Val-d'Or", "Thetford Mines"]
KINDS = {
    "fr": ["Association", "Coopérative", "Comité", "Centre", "Maison", "Regroupement", "Collectif", "Fondation",
           "Cuisine collective", "Banque alimentaire", "Club", "Table de concertation"],
    "en": ["Association", "Co-op", "Committee", "Centre", "House", "Network", "Collective", "Foundation",
           "Community Kitchen", "Food Bank", "Club", "Council"],
}
PURPOSES = {
    "fr": ["des aînés", "des jeunes", "des familles", "de l'alphabétisation", "du logement", "de la culture",
           "du sport", "de l'environnement", "des nouveaux arrivants", "de l'entraide", "du quartier", "des femmes"],
    "en": ["for Seniors", "for Youth", "for Families", "for Literacy", "for Housing", "for the Arts", "for Sport",
           "for the Environment", "for Newcomers", "for Mutual Aid", "of the Neighbourhood", "for Women"],
}

SERVICES = ["Microsoft 365", "Google Workspace", "Zoom", "Nextcloud", "WordPress", "Canva", "Facebook", "Zeffy",
            "la banque en ligne", "Dropbox", "Mailchimp", "Teams", "Bitwarden", "Sage 50", "QuickBooks"]
SOFTWARE = ["LibreOffice", "Firefox", "Acrobat Reader", "Thunderbird", "VLC", "Zoom", "Sage 50", "Teams",
            "l'antivirus", "Windows 11", "Office", "Chrome", "GIMP", "KeePassXC"]
PRINTERS = ["Brother", "HP LaserJet", "Canon", "Epson", "Xerox", "Ricoh"]
ROOMS = {"fr": ["la grande salle", "le bureau du fond", "la cuisine", "la salle de réunion", "l'accueil", "le sous-sol"],
         "en": ["the main hall", "the back office", "the kitchen", "the meeting room", "the front desk", "the basement"]}
DAYS = {"fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "hier", "ce matin", "la semaine passée"],
        "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "yesterday", "this morning", "last week"]}
PAGES = {"fr": ["Nos activités", "Devenir membre", "Faire un don", "Nous joindre", "Calendrier", "Équipe"],
         "en": ["Our activities", "Become a member", "Donate", "Contact us", "Calendar", "Team"]}

SUBJECTS = {
    "fr": {
        "accounts-passwords": ["Impossible de me connecter à {service}", "Mot de passe oublié pour {service}",
                               "Compte {service} bloqué après trop d'essais",
                               "Changer le mot de passe partagé de {service}",
                               "Double authentification sur {service} : téléphone perdu",
                               "Retirer l'accès d'une bénévole qui part ({service})"],
        "email": ["Les courriels vers {service} reviennent en erreur", "Boîte de courriel pleine",
                  "Nos messages arrivent dans les indésirables", "Configurer le courriel sur le téléphone de {person}",
                  "Créer une adresse pour le nouveau coordonnateur", "Signature de courriel à uniformiser"],
        "website": ["Le site affiche une erreur 500", "Mettre à jour la page « {page} » du site",
                    "Le certificat du site a expiré", "Le formulaire de contact n'envoie plus rien",
                    "Le site est très lent depuis {day}", "Ajouter le calendrier des activités au site"],
        "hardware": ["L'imprimante {printer} n'imprime plus", "Ordinateur portable très lent",
                     "Écran noir au démarrage du poste de l'accueil", "Le projecteur ne détecte pas le portable",
                     "Batterie du portable qui ne tient plus", "Bruit bizarre dans l'ordinateur de {person}"],
        "network": ["Le Wi-Fi coupe sans arrêt dans {room}", "Pas d'Internet au local depuis {day}",
                    "Le modem redémarre tout seul", "Wi-Fi pour les visiteurs séparé du nôtre",
                    "Connexion très lente en fin de journée", "L'imprimante n'est plus vue sur le réseau"],
        "software": ["Installer {software} sur le poste de {person}", "{software} plante à l'ouverture",
                     "Licence {software} expirée", "Mise à jour de Windows bloquée à 30 %",
                     "Fichier Excel des membres qui ne s'ouvre plus", "Remplacer {software} par un logiciel libre"],
        "data-backups": ["Restaurer un fichier supprimé sur le partage", "La sauvegarde de {day} a échoué",
                         "Disque externe plein", "Retrouver les photos de l'événement de l'an dernier",
                         "Mettre en place une sauvegarde hors site", "Tester la restauration de la comptabilité"],
        "security": ["Courriel suspect reçu par {person}", "Clé USB trouvée au local",
                     "Mot de passe peut-être divulgué", "Facture frauduleuse au nom d'un fournisseur",
                     "Message de rançon sur un poste", "Quelqu'un se fait passer pour la directrice"],
        "other": ["Question sur l'utilisation de {service}", "Formation pour les nouveaux bénévoles",
                  "Conseil pour acheter un ordinateur", "Inventaire du matériel informatique",
                  "Don d'ordinateurs usagés : que faire ?", "Aide pour la visioconférence de l'AGA"],
    },
    "en": {
        "accounts-passwords": ["Can't sign in to {service}", "Forgot the password for {service}",
                               "{service} account locked after too many attempts",
                               "Change the shared {service} password", "Two-factor on {service}: phone lost",
                               "Remove a departing volunteer's access ({service})"],
        "email": ["Emails to {service} bounce", "Mailbox full", "Our newsletters land in spam",
                  "Set up email on {person}'s phone", "New address for the new coordinator",
                  "Make the email signatures consistent"],
        "website": ["Website shows a 500 error", "Update the '{page}' page of the site", "Site certificate expired",
                    "Contact form sends nothing any more", "Site very slow since {day}",
                    "Add the events calendar to the site"],
        "hardware": ["{printer} printer stopped printing", "Laptop very slow", "Black screen on the front desk PC",
                     "Projector does not see the laptop", "Laptop battery does not hold a charge",
                     "Strange noise in {person}'s computer"],
        "network": ["Wi-Fi keeps dropping in {room}", "No Internet at the office since {day}",
                    "Router restarts by itself", "Guest Wi-Fi separate from ours", "Very slow connection in the evening",
                    "Printer no longer found on the network"],
        "software": ["Install {software} on {person}'s computer", "{software} crashes on start",
                     "{software} licence expired", "Windows update stuck at 30%",
                     "Members spreadsheet will not open", "Replace {software} with free software"],
        "data-backups": ["Restore a deleted file on the shared drive", "{day}'s backup failed", "External disk full",
                         "Find last year's event photos", "Set up an off-site backup", "Test restoring the accounts"],
        "security": ["Suspicious email received by {person}", "USB stick found at the office",
                     "Password may have leaked", "Fake invoice in a supplier's name", "Ransom message on a PC",
                     "Someone is impersonating our director"],
        "other": ["Question about using {service}", "Training for new volunteers", "Advice on buying a computer",
                  "Inventory of our computers", "Donated used computers: what to do?", "Help with the AGM video call"],
    },
}

DETAILS = {
    "fr": ["Depuis {day}, le problème revient plusieurs fois par jour et bloque le travail de l'équipe.",
           "Le message d'erreur dit à peu près « accès refusé », mais je n'ai pas fait de capture d'écran.",
           "C'est {person} qui s'en est rendu compte en arrivant au bureau.",
           "On a déjà redémarré l'ordinateur et le modem, sans changement.",
           "Ça touche au moins trois personnes de l'équipe, peut-être plus.",
           "On a une activité importante la semaine prochaine, ce serait bien que ça marche d'ici là.",
           "Je ne suis pas très à l'aise avec l'informatique, donc je ne sais pas trop quoi regarder.",
           "L'ancien responsable s'occupait de ça, mais il n'est plus bénévole chez nous.",
           "Le problème arrive surtout dans {room}, moins ailleurs.",
           "J'ai essayé de suivre l'article de la base de connaissances, mais je bloque à la deuxième étape.",
           "Nous utilisons {service} pour presque tout, donc c'est assez urgent pour nous.",
           "Il n'y a pas de mot de passe noté dans le classeur, on ne sait pas qui l'a changé."],
    "en": ["Since {day} it happens several times a day and stops the team from working.",
           "The error message says something like 'access denied', but I did not take a screenshot.",
           "{person} noticed it when arriving at the office.",
           "We already restarted the computer and the router, no change.",
           "It affects at least three people on the team, maybe more.",
           "We have a big event next week, it would be great if it worked by then.",
           "I'm not very comfortable with computers, so I don't really know what to look at.",
           "Our former coordinator used to handle this, but they are no longer a volunteer here.",
           "It happens mostly in {room}, less elsewhere.",
           "I tried to follow the knowledge base article but got stuck at the second step.",
           "We use {service} for almost everything, so this is fairly urgent for us.",
           "There is no password written in the binder and nobody knows who changed it."],
}
TRIED = {
    "fr": ["redémarrer l'ordinateur", "changer de navigateur", "vider le cache", "débrancher le modem 30 secondes",
           "essayer depuis un autre poste", "réinitialiser le mot de passe", "vérifier les câbles",
           "désinstaller puis réinstaller"],
    "en": ["restarting the computer", "another browser", "clearing the cache", "unplugging the router for 30 seconds",
           "another computer", "resetting the password", "checking the cables", "uninstalling and reinstalling"],
}
GREETINGS = {"fr": ["Bonjour,", "Bonjour à l'équipe d'Entraide,", "Allô,", "Bonjour à vous,"],
             "en": ["Hello,", "Hi,", "Hello Entraide team,", "Hi there,"]}
CLOSINGS = {"fr": ["Merci d'avance,", "Merci beaucoup,", "Bonne journée,", "Merci pour votre aide,"],
            "en": ["Thanks in advance,", "Many thanks,", "Have a good day,", "Thanks for your help,"]}
TRIED_INTRO = {"fr": "Ce qu'on a déjà essayé :", "en": "What we already tried:"}

REPLIES = {
    "fr": ["Merci pour les détails. Pouvez-vous me dire quel message exact s'affiche, et sur quel poste ?",
           "J'ai regardé à distance : le problème venait d'un réglage qui avait été modifié. C'est corrigé, "
           "pouvez-vous confirmer que tout fonctionne de votre côté ?",
           "Bonne nouvelle, c'est réglé. J'ai aussi noté la procédure dans votre fiche pour la prochaine fois.",
           "Je passe au local {day} en fin d'après-midi pour regarder ça sur place.",
           "L'article « Sauvegardes : la règle 3-2-1 » explique la marche à suivre ; je vous accompagne si besoin.",
           "Il faudra que la personne responsable du compte fasse la réinitialisation elle-même, je vous envoie "
           "les étapes.",
           "J'ai remplacé le câble et mis à jour le pilote. Ça devrait tenir, dites-moi si ça recommence."],
    "en": ["Thanks for the details. Could you tell me the exact message, and on which computer?",
           "I had a look remotely: a setting had been changed. It's fixed now, can you confirm it works on your side?",
           "Good news, it's sorted. I also wrote the steps in your notes for next time.",
           "I'll come by the office {day} late afternoon to look at it in person.",
           "The article 'Backups: the 3-2-1 rule' walks through it; happy to help if you get stuck.",
           "The account owner has to do the reset themselves; I'm sending you the steps.",
           "I replaced the cable and updated the driver. It should hold, tell me if it happens again."],
}
GROUP_REPLIES = {
    "fr": ["Merci ! Le message exact est « Impossible de joindre le serveur ». C'est sur le poste de l'accueil.",
           "Oui, tout fonctionne maintenant, merci beaucoup.", "Je serai là {day}, la porte de côté sera ouverte.",
           "Ça a marché pendant deux jours puis c'est revenu, désolée.",
           "J'ai trouvé le mot de passe dans le classeur du CA, je vous l'envoie autrement."],
    "en": ["Thanks! The exact message is 'Cannot reach the server'. It's on the front desk computer.",
           "Yes, everything works now, thank you so much.", "I'll be there {day}, the side door will be open.",
           "It worked for two days and then came back, sorry.",
           "I found the password in the board's binder, I'll send it another way."],
}
NOTES = {
    "fr": ["Déjà vu chez eux l'an dernier : voir l'ancien billet.", "Probablement le modem du fournisseur, à remplacer.",
           "Ne pas leur demander de payer : passer par le fonds de dépannage.",
           "Le compte administrateur est au nom de l'ancienne directrice."],
    "en": ["Seen there last year too: see the old ticket.", "Probably the ISP's router, needs replacing.",
           "Don't ask them to pay: use the emergency fund.", "The admin account is in the former director's name."],
}
HELPFUL_COMMENTS = {"fr": ["", "", "Super rapide, merci !", "Très clair.", "Le problème est revenu."],
                    "en": ["", "", "Super quick, thanks!", "Very clear.", "The problem came back."]}


def render_blocks(blocks):
    """Markdown and the HTML the bounded renderer (cmark-gfm) writes for the same blocks."""
    md, out = [], []
    for kind, content in blocks:
        if kind == "p":
            md.append(content)
            out.append("<p>" + html.escape(content, quote=False).replace('"', "&quot;") + "</p>\n")
        else:
            md.append("\n".join("- " + item for item in content))
            out.append("<ul>\n" + "".join("<li>" + html.escape(i, quote=False).replace('"', "&quot;") + "</li>\n"
                                          for i in content) + "</ul>\n")
    return "\n\n".join(md) + "\n", "".join(out)


class Generator:
    def __init__(self, args):
        self.a = args
        self.r = random.Random(args.seed)
        self.digest = hashlib.sha256()
        self.counts = {}

    def fill(self, text, lang, person):
        r = self.r
        return text.format(service=r.choice(SERVICES), software=r.choice(SOFTWARE), printer=r.choice(PRINTERS),
                           room=r.choice(ROOMS[lang]), day=r.choice(DAYS[lang]), page=r.choice(PAGES[lang]),
                           person=person)

    def insert(self, db, table, columns, rows):
        for row in rows:
            self.digest.update(repr((table, row)).encode("utf-8"))
        db.executemany("INSERT INTO %s (%s) VALUES (%s)" % (table, ", ".join(columns), ", ".join("?" * len(columns))),
                       rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def person_name(self, lang):
        return "%s %s" % (self.r.choice(FIRST_NAMES[lang]), self.r.choice(LAST_NAMES))

    def people(self, db):
        a, r = self.a, self.r
        iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        start = a.now - a.years * 365 * DAY - 30 * DAY
        groups, users, memberships = [], [], []
        self.groups = []  # (id, lang, [member ids])
        uid = 0
        for g in range(1, a.groups + 1):
            lang = "fr" if r.random() < 0.75 else "en"
            kind, purpose, town = r.choice(KINDS[lang]), r.choice(PURPOSES[lang]), r.choice(TOWNS)
            name = "%s %s de %s" % (kind, purpose, town) if lang == "fr" else "%s %s, %s" % (town, kind, purpose)
            groups.append((g, "groupe-%04d" % g, name, lang, 1, iso(start + r.randrange(30 * DAY))))
            members = []
            for m in range(1, a.members_per_group + 1):
                uid += 1
                ulang = lang if r.random() < 0.9 else ("en" if lang == "fr" else "fr")
                users.append((uid, "membre-%04d-%d@groupes.entraide.test" % (g, m), self.person_name(ulang), "member",
                              ulang, None, 1, iso(start + r.randrange(60 * DAY))))
                memberships.append((uid, g))
                members.append((uid, users[-1][2]))
            self.groups.append((g, lang, members))
        self.volunteers = []
        for v in range(1, a.volunteers + 1):
            uid += 1
            vlang = "fr" if r.random() < 0.7 else "en"
            users.append((uid, "benevole-%02d@entraide.test" % v, self.person_name(vlang), "volunteer", vlang, None, 1,
                          iso(start + r.randrange(365 * DAY))))
            self.volunteers.append((uid, users[-1][2]))
        for c in range(1, a.coordinators + 1):
            uid += 1
            users.append((uid, "coordination-%d@entraide.test" % c, self.person_name("fr"), "coordinator", "fr", None,
                          1, iso(start)))
        self.insert(db, "groups", ("id", "slug", "name", "lang", "active", "created_at"), groups)
        self.insert(db, "users", ("id", "email", "name", "role", "lang", "password_hash", "active", "created_at"),
                    users)
        self.insert(db, "memberships", ("user_id", "group_id"), memberships)

    def article_keys(self):
        keys = set()
        for lang in ("en", "fr"):
            folder = os.path.join(self.a.content, lang)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                if name.endswith(".md"):
                    with open(os.path.join(folder, name), encoding="utf-8") as f:
                        for line in f:
                            if line.startswith("key:"):
                                keys.add(line[4:].strip().strip("\"'"))
                                break
        return sorted(keys)

    def ticket_text(self, lang, category, opener_name):
        r = self.r
        other = self.person_name(lang).split()[0]
        subject = self.fill(r.choice(SUBJECTS[lang][category]), lang, other)
        blocks = [("p", r.choice(GREETINGS[lang]))]
        details = r.sample(DETAILS[lang], r.randint(2, 4))
        blocks.append(("p", " ".join(self.fill(d, lang, other) for d in details[:2])))
        if len(details) > 2:
            blocks.append(("p", " ".join(self.fill(d, lang, other) for d in details[2:])))
        if r.random() < 0.4:
            blocks.append(("p", TRIED_INTRO[lang]))
            blocks.append(("ul", r.sample(TRIED[lang], r.randint(2, 3))))
        blocks.append(("p", r.choice(CLOSINGS[lang]) + "\n" + opener_name))
        body, body_html = render_blocks(blocks)
        return subject, body, body_html

    def reply_text(self, pool, lang):
        text = self.fill(self.r.choice(pool[lang]), lang, self.person_name(lang).split()[0])
        return render_blocks([("p", text)])

    def tickets(self, db):
        a, r = self.a, self.r
        end_historic = a.now - 2 * DAY
        start = a.now - a.years * 365 * DAY
        # When each ticket was created: historic over the years, open ones over the last 45 days (more recent
        # ones more likely), none in the last hour.
        plan = [(start + r.randrange(end_historic - start), False) for _ in range(a.historic)]
        for _ in range(a.open):
            age = int(HOUR + (45 * DAY - HOUR) * (r.random() ** 2))
            plan.append((a.now - age, True))
        plan.sort()
        keys = self.article_keys()
        last_of_year = {}
        tickets, events, links, pending = [], [], [], []
        open_statuses = ("new", "triaged", "in_progress", "waiting_on_group")
        open_weights = (30, 20, 30, 20)
        for tid, (created, is_open) in enumerate(plan, start=1):
            year = datetime.datetime.fromtimestamp(created, datetime.timezone.utc).year
            last_of_year[year] = last_of_year.get(year, 0) + 1
            ref = "ENT-%04d-%04d" % (year, last_of_year[year])
            gid, glang, members = r.choice(self.groups)
            opener, opener_name = r.choice(members)
            lang = glang
            category = r.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            urgency = r.choices(URGENCIES, URGENCY_WEIGHTS)[0]
            subject, body, body_html = self.ticket_text(lang, category, opener_name.split()[0])
            vol, vol_name = r.choice(self.volunteers)
            ev = []  # (actor, kind, body, body_html, internal, old, new, at)
            ev.append((opener, "created", "", "", 0, "", "new", created))
            t = created
            assignee = first_response = resolved_at = closed_at = helpful = None
            helpful_comment = ""
            # How long things take: volunteers answer within hours to days; the group too.
            later = lambda lo, hi: int(lo + (hi - lo) * r.random() ** 2)
            bound = a.now - HOUR

            def step(lo, hi):
                nonlocal t
                t = min(t + later(lo, hi), bound)
                return t

            def take(note_chance):
                # The volunteer takes the ticket and starts on it, now and then with an internal note first.
                ev.append((vol, "assign", "", "", 0, "", vol_name, step(10 * 60, 2 * DAY)))
                ev.append((vol, "status", "", "", 0, "new", "in_progress", t))
                if r.random() < note_chance:
                    nb, nh = self.reply_text(NOTES, lang)
                    ev.append((vol, "note", nb, nh, 1, "", "", step(60, HOUR)))

            if is_open:
                status = r.choices(open_statuses, open_weights)[0]
                if status == "triaged":
                    ev.append((vol, "status", "", "", 0, "new", "triaged", step(10 * 60, 2 * DAY)))
                    if r.random() < 0.3:
                        new_u = r.choice([u for u in URGENCIES if u != urgency])
                        ev.append((vol, "urgency", "", "", 0, urgency, new_u, step(60, HOUR)))
                        urgency = new_u
                elif status in ("in_progress", "waiting_on_group"):
                    assignee = vol
                    take(0.3)
                    rb, rh = self.reply_text(REPLIES, lang)
                    first_response = step(5 * 60, DAY)
                    ev.append((vol, "reply", rb, rh, 0, "", "", first_response))
                    if status == "in_progress" and r.random() < 0.5:
                        gb, gh = self.reply_text(GROUP_REPLIES, lang)
                        ev.append((opener, "reply", gb, gh, 0, "", "", step(HOUR, 2 * DAY)))
                    if status == "waiting_on_group":
                        ev.append((vol, "status", "", "", 0, "in_progress", "waiting_on_group", t))
            else:
                assignee = vol
                take(0.15)
                if r.random() < 0.5:
                    rb, rh = self.reply_text(REPLIES, lang)
                    first_response = step(5 * 60, DAY)
                    ev.append((vol, "reply", rb, rh, 0, "", "", first_response))
                    if r.random() < 0.5:
                        ev.append((vol, "status", "", "", 0, "in_progress", "waiting_on_group", t))
                        gb, gh = self.reply_text(GROUP_REPLIES, lang)
                        ev.append((opener, "reply", gb, gh, 0, "", "", step(HOUR, 3 * DAY)))
                        ev.append((opener, "status", "", "", 0, "waiting_on_group", "in_progress", t))
                rb, rh = self.reply_text(REPLIES, lang)
                resolved_at = step(5 * 60, 3 * DAY)
                if first_response is None:
                    first_response = resolved_at
                ev.append((vol, "reply", rb, rh, 0, "", "", resolved_at))
                ev.append((vol, "status", "", "", 0, "in_progress", "resolved", resolved_at))
                status = "resolved"
                if r.random() < 0.4:
                    closed = step(HOUR, 5 * DAY)
                    if closed - resolved_at < AUTO_CLOSE_S and closed < bound:
                        ev.append((opener, "status", "", "", 0, "resolved", "closed", closed))
                        status, closed_at = "closed", closed
                if status == "resolved" and resolved_at + AUTO_CLOSE_S < a.now:
                    # The auto-close (actor NULL) closed it 14 days after it was resolved.
                    t = resolved_at + AUTO_CLOSE_S
                    ev.append((None, "status", "", "", 0, "resolved", "closed", t))
                    status, closed_at = "closed", t
                if r.random() < 0.3 and t < bound:
                    helpful = 1 if r.random() < 0.85 else 0
                    helpful_comment = r.choice(HELPFUL_COMMENTS[lang])
                    ev.append((opener, "helpful", helpful_comment, "", 0, "", "yes" if helpful else "no",
                               step(60, DAY)))
            updated = max(e[7] for e in ev)
            tickets.append((tid, ref, gid, opener, subject, body, body_html, category, urgency, status, assignee, lang,
                            created, updated, first_response, resolved_at, closed_at, helpful, helpful_comment))
            # Events are written in time order across tickets (their ids interleave, as when the service
            # wrote them): those up to this ticket's creation are due, as no later ticket has earlier ones.
            for seq, e in enumerate(ev):
                heapq.heappush(pending, (e[7], tid, seq, (tid,) + e))
            while pending and pending[0][0] <= created:
                events.append(heapq.heappop(pending)[3])
            if keys and r.random() < 0.125:
                links.append((tid, r.choice(keys), vol, min(created + HOUR, bound)))
            if len(tickets) >= 5000:
                self.flush(db, tickets, events, links)
                tickets, events, links = [], [], []
        while pending:
            events.append(heapq.heappop(pending)[3])
        self.flush(db, tickets, events, links)
        self.insert(db, "ticket_refs", ("year", "last"), sorted(last_of_year.items()))
        self.refs = last_of_year

    def flush(self, db, tickets, events, links):
        self.insert(db, "tickets", ("id", "ref", "group_id", "opened_by", "subject", "body", "body_html", "category",
                                    "urgency", "status", "assignee_id", "lang", "created_at", "updated_at",
                                    "first_response_at", "resolved_at", "closed_at", "helpful", "helpful_comment"),
                    tickets)
        self.insert(db, "ticket_events", ("ticket_id", "actor_id", "kind", "body", "body_html", "internal",
                                          "old_value", "new_value", "created_at"), events)
        self.insert(db, "ticket_articles", ("ticket_id", "article_key", "added_by", "created_at"), links)


def main():
    p = argparse.ArgumentParser(description="Fill a fresh Entraide database with a synthetic help desk.")
    p.add_argument("db")
    p.add_argument("--now", type=int, default=None, help="epoch seconds the data ends at (default: now)")
    p.add_argument("--seed", type=int, default=20261128)
    p.add_argument("--groups", type=int, default=400)
    p.add_argument("--members-per-group", type=int, default=3)
    p.add_argument("--volunteers", type=int, default=60)
    p.add_argument("--coordinators", type=int, default=1)
    p.add_argument("--historic", type=int, default=100000)
    p.add_argument("--open", type=int, default=2000)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--content", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "content"))
    a = p.parse_args()
    if a.now is None:
        a.now = int(time.time())
    t0 = time.monotonic()
    db = sqlite3.connect(a.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for table in ("groups", "users", "tickets", "ticket_events"):
        if db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]:
            sys.exit("gen_tickets: %s already has rows: use a freshly migrated database" % table)
    g = Generator(a)
    db.execute("BEGIN")
    try:
        g.people(db)
        g.tickets(db)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    statuses = {}
    db = sqlite3.connect(a.db)
    for status, n in db.execute("SELECT status, count(*) FROM tickets GROUP BY status ORDER BY status"):
        statuses[status] = n
    db.close()
    c = g.counts
    print("gen_tickets: %d groups, %d users, %d tickets (%s), %d events, %d linked articles, refs %s, in %.2f s, "
          "sha256 %s" % (c["groups"], c["users"], c["tickets"], " ".join("%s=%d" % kv for kv in statuses.items()),
                         c["ticket_events"], c.get("ticket_articles", 0),
                         " ".join("%d:%d" % kv for kv in sorted(g.refs.items())), time.monotonic() - t0,
                         g.digest.hexdigest()))


if __name__ == "__main__":
    main()
