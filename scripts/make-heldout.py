#!/usr/bin/env python3
"""make-heldout.py - write corpora/heldout/: answers kept apart from rule
tuning, so the quality of a codebook's rules can be estimated honestly.

Written after and independently of corpora/sof/, in other voices: longer
narrative answers, bullet lists, spoken style ("ka' ikke nås"), formal
leader prose, other words for the same barriers (portefølje, kalenderen
sprænger, bureaukrati, pendlere, forandringstræthed ...), and answers that
use a category's words without meaning it.  Every text is hand-written;
codes are what a careful coder assigns by the definitions in
reference/codebooks.md.  Lines are "CODES :: text", "\\n" is a line break.

Output per file: id,text,codes (UTF-8, `,`-separated, RFC 4180), codes
joined by `;` in codebook order, `ingen_svar` for a non-substantive answer.

Deterministic:  python3 scripts/make-heldout.py [OUTDIR]
"""
import csv
import importlib.util
import io
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "corpora", "heldout")
SEED = 7193

# One parser for the "CODES :: text" blocks, shared with make-sof-corpus.py.
_spec = importlib.util.spec_from_file_location("make_sof_corpus", os.path.join(HERE, "make-sof-corpus.py"))
_sof = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sof)
parse = _sof.parse

BAR = {"T": "tid_sagsantal", "V": "velvilje", "A": "administration",
       "R": "rettidighed", "D": "afstand", "F": "fleksibilitet",
       "K": "kulturaendring", "X": "andet", "-": "ingen_svar"}
SYG = {"K": "knae", "O": "bevaegelse_oevrige", "R": "ryg_nakke", "L": "led_muskler",
       "H": "hjerte_lunge_kar", "M": "mave_lever_nyre", "C": "kraeft_sygdom",
       "P": "kroniske_smerter", "W": "piskesmaeld", "S": "psykisk", "A": "andet",
       "-": "ingen_svar"}
UND = {"t": "tidlig_raskmelding", "d": "afstand", "s": "standby",
       "g": "modvillig_arbejdsgiver", "r": "transport", "b": "modvillig_borger",
       "x": "andet", "-": "ingen_svar"}

BARRIERER = r"""
T :: Vi drukner i sager.
T :: Min portefølje er på 70 borgere. Der er ikke luft til at køre ud til dem alle sammen.
T :: Kalenderen sprænger. Hver uge kommer der nye sager ind, og de gamle forsvinder ikke.
T :: Det ka' ikke nås med de sager vi har
T :: Arbejdsmængden er urealistisk.
T :: Kapacitetsudfordringer i teamet, som ledelsen ikke har løst.
T :: caseload for høj
T :: Man er nødt til at skære hjørner, fordi man har alt for mange borgere på sin liste.
T :: Der er ingen tid til at lave det grundige stykke arbejde, som projektet lægger op til.
T :: Vi er for få til for mange
T :: Jeg bruger hele min uge på akutte ting. Sammen om fastholdelse bliver nedprioriteret når man har 60+ sager.
T :: Tidsmæssigt pres, og det bliver ikke bedre
T :: Antal sager pr. fastholdelseskonsulent skal ned, ellers virker det ikke.
T :: Den største udfordring: mængden af sager.\nDen næste: også mængden af sager.
T :: Det er et spørgsmål om ressourcer. Hvis vi havde haft 40 sager hver, kunne det lade sig gøre.
T :: Personalemangel og mange langtidssygemeldte kolleger, så sagerne hober sig op.
T :: For mange sygedagpengesager i forhold til antallet af medarbejdere
T :: travlt travlt travlt
T :: Sagsmaengden er for stor
T :: Vi har fået skåret i normeringen midt i projektet, så der er flere sager til hver.
T :: Opgaven kræver tid, og tid har vi ikke.
T :: Mangel på timer i døgnet :)
T :: Manglende ressourcer i form af tid
T :: Der er ikke sat tid af til projektet – det skal bare klares oven i alt det andet.
T :: Høje sagstal
T :: hver af os har omkring 65 sager
T :: Man når simpelthen ikke rundt
T :: Det kræver meget tid at komme ud, og med det sagstal vi har, er det ikke realistisk.
T :: Det tidsmæssige.
T :: Manglende hænder til opgaven
V :: Arbejdsgiverne takker nej.
V :: Virksomhederne kan ikke se værdien af at vi kommer.
V :: De sygemeldte er utrygge ved at skulle mødes med chefen.
V :: Mange arbejdsgivere opfatter os som kontrol og vil hellere klare det selv.
V :: Det er svært at få arbejdsgiver til at sige ja, når vi ikke kan henvise til en lovpligt.
V :: Borgeren har ofte ikke lyst til at kollegerne ser, at kommunen kommer.
V :: Arbejdsgiveren er ikke interesseret.
V :: Uvilje hos virksomhederne
V :: Sygemeldte der ikke er motiveret for at inddrage deres arbejdsplads.
V :: Mange små virksomheder siger, at de ikke har tid til møder med kommunen. De vil bare have medarbejderen tilbage.
V :: vi har ingen lovhjemmel, så arbejdsgiverne kan bare sige nej
V :: Arbejdsgivere og borgere kender ikke til ordningen og er derfor skeptiske.
V :: At borgerne ikke ønsker at deres leder er med til samtalen.
V :: Svært at overbevise arbejdsgiveren om nytten.
V :: Nogle AG'er er direkte afvisende i telefonen
A :: Bureaukrati.
A :: Alt det administrative: opsporing af nærmeste leder, mails frem og tilbage, journalisering.
A :: For mange skemaer der skal udfyldes i projektet
A :: Tastearbejdet bagefter tager næsten længere tid end mødet.
A :: Det er et stort administrativt arbejde at få kontakt til virksomheden, fordi anmeldelsen ofte er lavet af en lønafdeling langt fra nærmeste leder.
A :: Den øgede administration
A :: Dobbelt dokumentation – både i fagsystemet og i projektets registreringsark.
R :: Vi når ikke inden uge 8.
R :: Forsinkelser i overleveringen fra ydelse til os.
R :: Sagerne lander sent på vores bord, så fristen for første samtale er svær at overholde.
R :: Rettidig opfølgning er svær når lægen er længe om at svare.
R :: Det tager for lang tid at få fat i arbejdsgiver, så vi overskrider fristen.
R :: At holde fristerne.
R :: Sen visitation.
D :: Kørsel! Vi har borgere der arbejder over hele Sjælland.
D :: Vi ligger i et yderområde med lange ture til virksomhederne.
D :: Mange af vores borgere er pendlere, og deres arbejdspladser ligger langt fra jobcentret.
D :: Jeg kører halvdelen af dagen.
D :: De geografiske afstande i kommunen
D :: Når arbejdspladsen ligger 100 km væk, giver det ikke mening at bruge en hel dag på det.
D :: Lange køreafstande
F :: Rigid model – det er ud uanset hvad, også når det er til skade for borgeren.
F :: Der er ingen undtagelser tilladt, og det er for firkantet.
F :: Vi mangler udstyr: telefon, computer og VPN så vi kan arbejde ude.
F :: Modellen tager ikke højde for den enkelte borger.
F :: Vi burde selv kunne vurdere om første samtale skal være på arbejdspladsen eller i jobcentret.
F :: Jeg har stadig ikke fået en arbejdstelefon.
F :: Konceptet er for stramt styret
K :: Forandringstræthed.
K :: Vi er uddannet til myndighed, ikke til at være konsulenter ude i virksomhederne.
K :: Der er skepsis i teamet over for hele ideen.
K :: Svært at sige farvel til skrivebordet og den gamle måde at arbejde på.
K :: Rollen som fastholdelseskonsulent er ny og uvant for mange af os.
K :: Ikke alle har købt ind på projektet.
K :: Det kræver en anden faglig identitet, og det er svært.
K :: Nogle kolleger gør modstand og holder stadig samtalerne på kontoret.
T V :: For mange sager, og arbejdsgiverne er ikke interesserede i at bruge tid på os.
T V :: Sagstal og borgere der ikke vil have os ud på arbejdspladsen.
T V :: Ressourcer. Og så arbejdsgivere der siger nej tak.
T R :: Med 60 sager kan man ikke nå at holde første samtale i tide.
T R :: Travlhed og frister der ikke kan overholdes.
T R :: For stort sagsantal\nFor sen overlevering fra visitationen
T D :: Mange sager og lange køreture.
T D :: Vi kører langt, og vi har for mange sager til at bruge en halv dag på én samtale.
T A :: For mange sager og for meget bureaukrati.
T A :: Travlhed + administrativt bøvl med at finde kontaktpersonen.
T F :: Tidspres, og ingen bærbar med ud.
T F :: Højt sagstal og ingen plads til faglig vurdering.
T K :: Ressourcemangel og at nogle kolleger ikke tror på metoden.
T K :: Vi har for travlt, og mange har svært ved den nye rolle.
V R :: Arbejdsgiverne svarer ikke, og så når vi ikke fristen.
V D :: Lange afstande og arbejdsgivere der ikke gider.
A R :: Opsporingen af arbejdsgiver er tung, og derfor bliver mange samtaler forsinket.
D F :: Langt ud til virksomhederne, og vi må ikke holde mødet virtuelt.
K F :: Modstand mod den nye rolle og en for stram styring.
T V D :: Tid, arbejdsgivere der ikke vil, og lang afstand.
T V A R :: For mange sager. Arbejdsgiverne er svære at få fat på, og det administrative med at finde dem forsinker første samtale. Nogle vil slet ikke deltage.
T :: Afstand er ikke noget problem her, men sagstallet er.
T :: Borgerne og arbejdsgiverne er glade for møderne. Problemet er vores sagsantal.
V :: Tid er ikke det største problem, men arbejdsgivernes manglende vilje.
K :: Det tager tid at få kolleger til at tage den nye rolle på sig.
V :: Arbejdsgiverne siger de ikke har tid.
D :: Vi har ikke for mange sager, men vi har langt ud.
R :: Sagsantallet er fint nu. Men vi får sagerne for sent til at holde fristen.
F :: Det er ikke arbejdsgiverne der er problemet, det er at vi ikke må fravige modellen.
X :: Manglende ledelsesopbakning.
X :: Vi ved ikke, om projektet fortsætter.
X :: Fagsystemet er ikke bygget til arbejdsgangen
X :: Samarbejdet med de praktiserende læger er for dårligt.
X :: For mange skiftende projektledere.
X :: Politisk fokus på andre ting.
X :: Sygemeldte med misbrug passer ikke ind.
X :: Mangel på mødelokaler i jobcentret.
X :: Uklare mål.
X :: Forskellig praksis fra team til team.
X :: Der mangler opfølgning på resultaterne.
X :: Kommunikationen fra styregruppen er mangelfuld.
X :: Borgernes manglende danskkundskaber.
X :: Vi har mistet erfarne kolleger.
X :: Jeg oplever ikke de store barrierer, men det ville være godt med mere sparring.
A :: Papirarbejdet er vokset.
A :: Vi bruger uforholdsmæssigt meget tid på at ringe rundt efter den rigtige leder.
A :: Registreringer, registreringer.
A R :: Når lønkontoret har anmeldt sygefraværet, tager det dage at finde den nærmeste leder, og så er fristen overskredet.
R :: Vi får ikke sagerne hurtigt nok efter visitationen.
R :: Første samtale bliver for sent.
D :: Afstanden til arbejdspladserne i den nordlige del af kommunen.
D :: transporttid til virk.
F :: Mangel på mobil og bærbar
F :: Ingen plads til skøn.
F :: Man bliver målt på om samtalen er på arbejdspladsen, ikke på om det giver mening.
K :: Medarbejderne er ikke motiverede for at arbejde efter rammen.
K :: Rollen er uklar for mange, og det skaber modstand.
K :: Gammel kultur hvor borgeren kommer til os.
T :: Sagsstammen.
T :: Ingen tid.
V :: Borgere som synes det er grænseoverskridende.
V :: Arbejdsgiverne forstår ikke formålet.
X :: Vi har ikke fået den lovede uddannelse.
- :: ved ikke
- :: -
- :: Ingen kommentarer
- :: intet at tilføje
- :: N/A
- :: kan ikke svare
- :: Nej
- :: ?
- :: ved ikke.
- :: Ingen
"""

UNDTAGELSER = r"""
t :: Hvis raskmelding forventes inden for 3 uger.
t :: Når der foreligger en opsigelse
t :: borger er på vej tilbage i job
t :: Sygemeldinger med kort forventet varighed
t :: Hvis borgeren raskmeldes før vi kan nå et møde.
t :: Raskmeldingsdato kendt og tæt på
t :: Borgere der er sagt op og fratræder om kort tid
t :: Fratrådte
t :: Forventes tilbage i fuldt omfang inden for 2-4 uger
t :: - opsagt\n- raskmelding inden 14 dage
t :: Tidlig raskmelding (under 4 uger).
t :: Hvis sygemeldingen forventes afsluttet inden 4 uger
t :: Hvis arbejdsgiver har opsagt borgeren.
t :: Kort sygeperiode, fx ved brækket arm
d :: Afstand over 30 km.
d :: For lang vej ud til arbejdspladsen
d :: Over 45 min i bil
d :: Hvis virksomheden ligger i en anden del af landet
d :: Geografi – arbejdspladser uden for regionen
d :: Lang køretid for konsulenten
d :: Mere end 30 km fra jobcentret
d :: Arbejdspladser i Tyskland eller Sverige
d :: Langt væk.
d :: Hvis det er for langt at køre.
s :: Standby
s :: Når lægen fraråder det
s :: Sager i standby.
s :: Hjerneskadede
s :: Borgere i aktiv kræftbehandling
s :: Når egen læge har vurderet at borger ikke kan deltage
s :: Standbysager og svære kræftsygdomme
g :: Arbejdsgiver afviser efter flere forsøg
g :: Virksomheder der ikke vil samarbejde
g :: Hvis arbejdsgiveren trods dialog ikke ønsker mødet
g :: Når AG ikke reagerer på vores henvendelser
g :: Modvilje fra virksomheden.
g :: Arbejdsgiver siger nej
g :: Arbejdsgiveren vil ikke have os ud, selv efter vi har ringet flere gange.
r :: Borgeren kan ikke transportere sig
r :: Hvis borger er ude af stand til selv at komme frem, fx pga. smerter
r :: Borgere uden bil og uden mulighed for offentlig transport pga. sygdommen
r :: Kan ikke selv komme til arbejdspladsen
r :: Manglende mulighed for transport
b :: Borgeren vil ikke.
b :: Hvis borger afviser at deltage trods motivation
b :: Modvillige borgere efter en motiverende samtale
b :: Borgeren ønsker ikke mødet på arbejdspladsen, heller ikke efter vi har talt med vedkommende.
b :: Borger der nægter
t d :: Raskmelding inden 3 uger. Over 30 km.
t d :: opsagt eller langt væk
t d :: Kort forløb, lang afstand
t d :: Hvis borger snart er tilbage, eller hvis arbejdspladsen ligger langt ude.
t d :: Raskmelding < 3 uger / afstand > 30 km
t d :: Tidlig raskmelding og for lang køretid.
t d :: Opsigelse. Afstand over 35 km.
t d :: Hvis borgeren raskmeldes inden for 4 uger\nHvis der er mere end en halv times kørsel
t d :: Borgere der er opsagt, og arbejdspladser langt fra kommunen
t d :: Afstand (30 km) og raskmelding inden for 2-4 uger
t d :: Forventet raskmelding inden for kort tid; geografisk afstand
t d g :: Raskmelding snart, langt væk, eller arbejdsgiver der afviser
t d g :: - opsagt\n- over 30 km\n- AG vil ikke
t d g :: Kort varighed, lang afstand og modvillige virksomheder.
t d g :: Tidlig raskmelding, afstand, og arbejdsgivere der trods flere henvendelser ikke vil.
t d s :: Standby, kort sygeforløb, over 30 km
t d s :: Lægen fraråder; raskmelding inden 3 uger; for langt væk
t g :: Tidlig raskmelding eller modvillig arbejdsgiver
t g :: Opsagt, eller AG der ikke vil deltage
t g :: Når borger er raskmeldt hurtigt, eller arbejdsgiveren afviser os.
t s :: Standby-sager og korte forløb
t s :: Opsigelse og standby
t r :: Raskmelding inden for kort tid, eller borger der ikke kan komme derud selv.
t b :: Kort sygeforløb eller modvillig borger
d g :: Lang afstand eller afvisende arbejdsgiver
d g :: Over 30 km eller AG der ikke vil
d g :: Langt væk, og arbejdsgivere der ikke ønsker besøg
d r :: Langt væk og borger uden mulighed for transport
d r :: Afstand, samt borgere der ikke kan transportere sig selv pga. sygdom
d s :: Stor afstand og standby-sager
g b :: Modvillighed fra både arbejdsgiver og borger
g b :: Hvis arbejdsgiver eller borger trods dialog stadig er imod
g r :: Arbejdsgiveren vil ikke, eller borgeren kan ikke komme frem
r b :: Borgere der ikke kan komme ud, og borgere der ikke vil
s r :: Hjerneskade eller hvis borger ikke selv kan transportere sig
t d g b r :: Vores liste: raskmelding inden 4 uger, over 30 km, AG modvillig, borger modvillig, borger kan ikke transportere sig.
t d s g :: Standby, tidlig raskmelding, lang afstand og arbejdsgiver der afviser.
t :: Afstand er ikke et kriterium. Kun hvis borgeren raskmeldes inden 3 uger.
d :: Vi undtager ikke standby-sager, men vi undtager hvis der er over 40 km.
g :: Borgeren vil gerne, men arbejdsgiveren siger nej efter flere forsøg.
b :: Arbejdsgiveren er altid positiv, det er borgeren der nogle gange siger nej trods motivation.
x :: Transport er ikke noget problem hos os. Vi undtager kun hvis der er en igangværende konflikt på arbejdspladsen.
x :: Gravide
x :: Borgere der er indlagt
x :: Arbejdsskadesager
x :: Sygemeldinger pga. arbejdsmiljø eller mobning
x :: Misbrug
x :: Borgere i fleksjob eller på nedsat tid
x :: Selvstændige erhvervsdrivende
x :: Hvis der er behov for tolk
x :: Psykiatriske patienter i akut forløb
x :: Borgere på barsel
x :: Lærlinge og elever
x :: Vikarer fra vikarbureau
x :: Når sagen skal på rehabiliteringsteam
t :: Raskmelding inden fire uger
t :: Når borger har en aftalt raskmeldingsdato
t :: Opsagte medarbejdere
t :: Kort fravær forventes
d :: Kilometer – over 30
d :: Hvis virksomheden er for langt væk
d :: Afstand til virksomheden > 1 time
s :: Lægen har frarådet deltagelse i projektet
s :: Borgere med hjernerystelse eller hjerneskade
s :: Når sagen står i standby
s :: Alvorlig kræft
s :: Kræftpatienter under kemo
g :: Arbejdsgivere der trods motivation ikke vil
g :: Manglende samarbejdsvilje hos AG
g :: Hvis virksomheden afviser at holde mødet
r :: Borger kan ikke komme ud pga. sin sygdom
r :: Hvis borger er sengeliggende og ikke kan komme frem
r :: Transportproblemer hos borgeren
b :: Borgeren er imod trods flere samtaler
b :: Hvis borger insisterer på at holde mødet i jobcentret
b :: Borger der ikke vil have arbejdsgiver inddraget
t d :: Kort sygemelding eller lang transport for konsulenten
t d :: raskmeldt inden 2 uger, afstand over 25 km
t d :: Opsigelse + afstand
t d :: Borger raskmeldes snart; arbejdspladsen ligger i Københavnsområdet
t d r :: Forventet raskmelding inden 3 uger, afstand over 30 km eller borger som ikke selv kan komme derud
t g :: Raskmelding inden for 2 uger eller arbejdsgiver der trods opringninger siger nej
d g :: Over en time væk; arbejdsgivere der ikke vil
t s :: Lægen fraråder eller raskmelding indenfor kort tid
s g :: Standby og modvillige arbejdsgivere
t d g :: Raskmeldt snart, langt væk, AG afviser
t r :: Opsagte borgere og borgere der ikke kan transportere sig
g :: "Vi har ikke tid" fra arbejdsgiver, selv efter flere forsøg
d :: Vi kører gerne langt, men over 60 km undtager vi.
x :: Afstanden er ikke et kriterium, men borgere i misbrugsbehandling undtages.
x :: Hvis borger har en sag om førtidspension i gang
x :: Sygemeldt pga. graviditet
x :: Hvis arbejdsgiver er under konkurs
- :: ved ikke
- :: -
- :: nej
- :: Ved ikke
- :: ingen
- :: ?
- :: kan ikke huske det
- :: intet
"""

# Illness causes (002, note to table B-3), as sick-listed citizens and their
# caseworkers write them, coded with codebooks/sygdom-aarsager.json.
SYGDOM = r"""
K :: Knæoperation, jeg venter på nyt knæ.
K :: Menisklæsion i venstre knæ
O :: Brækket ankel efter fald på arbejdet
O :: ny hofte
K :: Korsbåndsskade fra fodbold
O :: Jeg har fået et kunstigt hofteled og må ikke gå på trapper endnu.
O :: problemer med fødderne, kan ikke stå op hele dagen
K :: Knæet. Det har drillet i flere år og nu går det ikke mere.
O :: Brækket håndled
O :: brækket benet
R :: Diskusprolaps i lænden
R :: Ondt i ryggen
R :: Nakken – jeg har en prolaps i nakken og kan ikke dreje hovedet.
R :: rygproblemer
R :: Jeg er blevet opereret i ryggen (afstivning).
R :: Lændesmerter efter et tungt løft på lageret
R :: Slidt ryg efter 25 år som murer
R :: Hold i nakken der ikke vil gå væk
R :: Spinalstenose
R :: ryg og nakke
R :: Iskias
L :: Leddegigt
L :: Slidgigt i hænderne
L :: Frossen skulder
L :: Tennisalbue, kan ikke bruge armen.
L :: Gigt
L :: Senebetændelse i skulderen
L :: Muskelskade i låret
L :: Psoriasisgigt
L :: Slidgigt i skulderen
H :: Blodprop i hjertet
H :: Hjerteflimmer
H :: KOL
H :: Jeg har fået en blodprop i benet.
H :: Astma, der er blevet værre
H :: Hjerteoperation (bypass)
H :: Hjertesvigt
H :: Lungebetændelse der har varet i to måneder
H :: blodprop i lungen
H :: hjertestop sidste år
H :: For højt blodtryk
M :: Crohns sygdom
M :: Mavesår
M :: Galdesten, venter på operation
M :: Nyresvigt, i dialyse
M :: Colitis ulcerosa
M :: Leverbetændelse
M :: Nyresten
M :: Tarmproblemer, har fået fjernet en del af tarmen
M :: Det er heldigvis ikke kræft, men galdeblæren skal fjernes.
M :: Blindtarmsbetændelse med komplikationer
C :: Brystkræft
C :: kræft
C :: Jeg er i kemobehandling for tarmkræft.
C :: Prostatakræft
C :: Lymfekræft
C :: Modermærkekræft, opereret og i strålebehandling
C :: Leukæmi
C :: Kræft i livmoderen
C :: Hjernesvulst
C :: Lungekræft
C :: Kræft i bugspytkirtlen
P :: Fibromyalgi
W :: Piskesmæld efter bilulykke
P :: Kroniske smerter
P :: Smerter over det hele, lægerne kan ikke finde årsagen.
P :: Diffuse smerter
W :: Piskesmældsskade
P :: kronisk smertetilstand
P :: Fibromyalgi og træthed
S :: Stress
S :: Depression
S :: Angst
S :: Jeg gik ned med stress pga. arbejdspresset.
S :: PTSD efter udsendelse
S :: udbrændt
S :: Psykisk – stress og søvnproblemer
S :: Belastningsreaktion efter dødsfald i familien
S :: Bipolar lidelse
S :: OCD og angst
S :: Stress og depression
S :: Spiseforstyrrelse
S :: Skizofreni
S :: Jeg har det psykisk dårligt
S :: Arbejdsrelateret stress
S :: Fødselsdepression
A :: Graviditetsgener
A :: Hjernerystelse
A :: Sukkersyge
A :: Migræne
A :: Senfølger efter covid-19
A :: Sclerose
A :: Epilepsi
A :: Operation i skjoldbruskkirtlen
A :: Svimmelhed
A :: Tinnitus og høretab
A :: Allergi og eksem
A :: Long covid
W :: Whiplash efter at være blevet påkørt bagfra
W :: Piskesmæld – kan ikke køre bil endnu
O :: Brækket arm
K :: Slidgigt i knæet
W :: Piskesmæld efter et styrt på cyklen
W :: whiplash
W :: Fik et piskesmæld i en trafikulykke for et halvt år siden og har stadig ikke styr på det
K :: Knæskade
K :: Ondt i knæene
S P :: Stress og fibromyalgi
R S :: Ryg og depression
C S :: Kræft, og nu også en depression
K L :: Dårligt knæ og gigt i hænderne
H M :: Blodprop i hjertet og mavesår
R H :: Rygprolaps og astma
S A :: Angst og migræne
S W :: Piskesmæld og PTSD efter ulykken
C H :: Brystkræft og efterfølgende blodprop
M S :: Colitis, som bliver værre af stress
K S :: Knæoperation, og jeg er gået ned psykisk bagefter
L P :: Leddegigt og kroniske smerter
R P :: Diskusprolaps og kroniske smerter i hele kroppen
R :: Det er ikke psykisk, selvom jeg er træt. Det er ryggen.
O :: Ikke stress – jeg har fået en ny hofte.
M :: Lægen troede først det var kræft, men det var en betændelse i tarmen.
K :: Smerter i knæet efter operationen
S :: Har ikke noget med hjertet at gøre, det er nervøsitet og angst.
- :: vil ikke oplyse
- :: ved ikke
- :: -
- :: Privat
- :: ønsker ikke at svare
- :: ?
"""


def roughen(text, rng):
    """Keyboard and OCR noise a different person makes: dropped æøå in
    another way than corpora/sof (o/a only), doubled letters, OCR damage."""
    r = rng.random()
    if r < 0.06:
        return "".join({"ø": "g", "å": "a", "æ": "a", "I": "|"}.get(c, c) for c in text)
    if r < 0.14:
        return "".join({"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"}.get(c, c) for c in text)
    if r < 0.18:
        return text.upper()
    return text


def write(path, prefix, block, abbrev, rng):
    items = parse(block, abbrev)
    order = [v for v in abbrev.values()]
    rng.shuffle(items)
    s = io.StringIO()
    w = csv.writer(s, lineterminator="\n")
    w.writerow(["id", "text", "codes"])
    counts = {}
    for i, (ids, text) in enumerate(items, 1):
        if ids != ["ingen_svar"]:
            text = roughen(text, rng)
        for c in ids:
            counts[c] = counts.get(c, 0) + 1
        w.writerow(["%s%03d" % (prefix, i), text, ";".join(c for c in order if c in ids)])
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(s.getvalue())
    os.replace(tmp, path)
    print("%s: %d answers; %s" % (os.path.basename(path), len(items),
                                   ", ".join("%s %d" % (c, counts.get(c, 0)) for c in order)))


def main():
    args = sys.argv[1:]
    out = args[0] if args else OUT
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    write(os.path.join(out, "barrierer.csv"), "HB", BARRIERER, BAR, rng)
    write(os.path.join(out, "undtagelser.csv"), "HU", UNDTAGELSER, UND, rng)
    write(os.path.join(out, "sygdom.csv"), "HS", SYGDOM, SYG, rng)


if __name__ == "__main__":
    main()
