#!/usr/bin/env python3
"""make-sof-corpus.py - write corpora/sof/: the shipped SOF development corpus
(survey.csv as a survey platform exports it for Danish Excel, and the gold
codes gold-barrierer.csv / gold-undtagelser.csv).

Every substantive answer below is hand-written, with the codes a careful
coder would give it by the definitions in reference/codebooks.md.  Answers
are grouped per wave x role ("cell") because the published counts are per
cell; the script checks that the gold codes reproduce every X and Y of
published-counts.json exactly and refuses to write anything otherwise.

Answer lines are "CODES :: text".  CODES are one-letter abbreviations
(see BAR / UND); "\\n" in a text is a line break inside the answer.

Deterministic (fixed seed):  python3 scripts/make-sof-corpus.py [OUTDIR]
Check only (regenerate in memory, compare with the files on disk):
  python3 scripts/make-sof-corpus.py --check
"""
import csv
import io
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "corpora", "sof")
SEED = 20240604

BAR = {"T": "tid_sagsantal", "V": "velvilje", "A": "administration",
       "R": "rettidighed", "D": "afstand", "F": "fleksibilitet",
       "K": "kulturaendring", "X": "andet"}
BAR_ORDER = list(BAR.values())
UND = {"t": "tidlig_raskmelding", "d": "afstand", "s": "standby",
       "g": "modvillig_arbejdsgiver", "r": "transport", "b": "modvillig_borger",
       "x": "andet"}
UND_ORDER = list(UND.values())

# Published figures (../shared/reference/published-counts.json), repeated
# here so the script runs without the reference directory; if that file is
# present it is compared as well.
RESPONDENTS = {"Nulpunkt": {"Leder": 32, "Medarbejder": 205},
               "Midtvejs": {"Leder": 28, "Medarbejder": 202},
               "Afslutning": {"Leder": 28, "Medarbejder": 183}}
PUBLISHED = {
    "sof-barrierer": {
        "bases": {"Midtvejs": {"Medarbejder": 125, "Leder": 21},
                  "Afslutning": {"Medarbejder": 103, "Leder": 20}},
        "counts": {
            "tid_sagsantal": {"Midtvejs": {"Medarbejder": 58, "Leder": 9}, "Afslutning": {"Medarbejder": 54, "Leder": 13}},
            "velvilje": {"Midtvejs": {"Medarbejder": 17, "Leder": 2}, "Afslutning": {"Medarbejder": 26, "Leder": 4}},
            "administration": {"Midtvejs": {"Medarbejder": 12, "Leder": 2}, "Afslutning": {"Medarbejder": 4, "Leder": 0}},
            "rettidighed": {"Midtvejs": {"Medarbejder": 12, "Leder": 5}, "Afslutning": {"Medarbejder": 11, "Leder": 1}},
            "afstand": {"Midtvejs": {"Medarbejder": 11, "Leder": 3}, "Afslutning": {"Medarbejder": 7, "Leder": 1}},
            "fleksibilitet": {"Midtvejs": {"Medarbejder": 9, "Leder": 0}, "Afslutning": {"Medarbejder": 8, "Leder": 0}},
            "kulturaendring": {"Midtvejs": {"Medarbejder": 7, "Leder": 6}, "Afslutning": {"Medarbejder": 9, "Leder": 3}}}},
    "sof-undtagelser": {
        "bases": {"Midtvejs": {"Medarbejder": 80, "Leder": 9},
                  "Afslutning": {"Medarbejder": 88, "Leder": 12}},
        "counts": {
            "tidlig_raskmelding": {"Midtvejs": {"Medarbejder": 40, "Leder": 5}, "Afslutning": {"Medarbejder": 43, "Leder": 9}},
            "afstand": {"Midtvejs": {"Medarbejder": 36, "Leder": 5}, "Afslutning": {"Medarbejder": 38, "Leder": 3}},
            "standby": {"Midtvejs": {"Medarbejder": 13, "Leder": 4}, "Afslutning": {"Medarbejder": 1, "Leder": 2}},
            "modvillig_arbejdsgiver": {"Midtvejs": {"Medarbejder": 28, "Leder": 4}, "Afslutning": {"Medarbejder": 14, "Leder": 1}},
            "transport": {"Midtvejs": {"Medarbejder": 9, "Leder": 2}, "Afslutning": {"Medarbejder": 10, "Leder": 1}},
            "modvillig_borger": {"Midtvejs": {"Medarbejder": 7, "Leder": 0}, "Afslutning": {"Medarbejder": 8, "Leder": 0}}}},
}
PUBLISHED_JSON = os.path.join(HERE, "..", "..", "shared", "reference", "published-counts.json")

# --------------------------------------------------------------------------
# Barriers, Midtvejs, employees (Y=125)
BAR_MID_M = r"""
T :: For mange sager pr. medarbejder.
T :: sagsantallet er alt for højt til at vi kan nå at komme ud på arbejdspladserne
T :: Tid!!
T :: Vi har simpelthen ikke tid nok. Jeg sidder med over 60 sager og der er ikke plads i kalenderen til at køre ud til alle.
T :: for mange sager
T :: Sagstallet. Når man har 70+ sager giver det sig selv at man ikke kan prioritere det.
T :: Manglende tid..
T :: Travlhed i afdelingen
T :: stort sagsantal og mange andre opgaver ved siden af projektet
T :: Det er svært at finde tid i kalenderen til møderne pa arbejdspladsen, nar man samtidig har fuld sagsstamme.
T :: Tiden. Et møde ude hos virksomheden tager en halv dag med forberedelse og referat, og det har vi ikke med det sagstal vi har.
T :: Vi blev lovet lavere sagstal men det er ikke sket
T :: For stor sagsmængde - man når ikke at følge op som man gerne vil.
T :: Arbejdspresset er for stort.
T :: sagsantal, sagsantal, sagsantal
T :: Der er ikke afsat ressourcer nok til projektet. Vi skal bare løbe hurtigere.
T :: At vi stadig har de samme mange sager som før projektet, selvom opgaven er blevet større.
T :: Manglende ressourcer og for mange sager per konsulent
T :: Tidspres
T :: Jeg kan ikke nå det hele. Mange sager + sygemeldte kolleger = ingen tid til SOF
T :: for mange borgere pr sagsbehandler
T :: Sagsbelastnig
T :: Kapacitet. Vi er for få hænder til for mange sager.
T :: Når sagstallet stiger, er det det første der ryger, desværre.
T :: "Tid" – der er ikke tid nok i hverdagen til at gøre det ordentligt.
T :: Stor arbejdsbyrde generelt i afdelingen; vi er bagud i forvejen.
T :: Har 55 sager. Det kan ikke lade sig gøre at holde alle 1. samtaler ude.
T :: tid og sagsmængde
T :: Jeg oplever at sagstallet er for højt til at man kan følge intentionerne i projektet.
T :: Vi har korte afstande her, så det er ikke der skoen trykker. Det er sagstallet.
T :: vi har for travlt
T :: Sagstal på 80. Det siger vel alt.
T :: Der mangler hænder. Vi har haft vakante stillinger i et halvt år, og sagerne er fordelt på os andre.
T :: tidsforbruget ift antallet af sager
T :: At man ikke har tid til at fordybe sig i den enkelte sag pga. de mange sager.
T :: Det er svært at nå ud til alle nye sager når der kommer 10-15 nye om ugen oven i dem man har.
T :: Alt for mange sager pr. medarbejder, det har været et problem fra starten.\nVi sagde det allerede på kick-off mødet, men der er ikke sket noget. Jeg tror godt på ideen i projektet, men det kræver at man kan nå at tage ud og følge op ordentligt. Som det er nu, vælger man de sager hvor det er nemmest.
T :: Den største barriere er tid. Den næststørste er også tid.
V :: Arbejdsgiverne gider ikke have os ud.
V :: Mange borgere vil ikke have mødet på arbejdspladsen – de føler sig udstillet over for kollegerne.
V :: Arbejdsgiver siger tit nej tak, de har selv styr på det.
V :: Manglende motivation hos borgerne for at mødes på arbejdspladsen.
V :: Vi har ikke lovhjemmel til at kræve mødet afholdt på virksomheden, og det ved nogle arbejdsgivere godt.
V :: Virksomhederne kender ikke projektet og forstår ikke hvorfor kommunen skal komme ud.
V :: borger ønsker ikke at AG er med
V :: Modstand fra arbejdsgivere, især de små virksomheder.
V :: Det er svært at argumentere over for arbejdsgiveren, hvorfor de skal bruge en time på det.
V :: Afstanden er ikke et problem hos os, men arbejdsgiverne vil ikke altid have os ud.
V :: Borgerne er ofte i konflikt med deres arbejdsplads og vil ikke derud. Det gælder især dem der er sygemeldt med stress. De siger direkte at de ikke vil sidde over for chefen, og så står vi der.
V :: Manglende velvilje fra virk.
V :: Nogle AG oplever det som kontrol fra kommunen og siger fra.
A :: Det administrative arbejde med at finde frem til den rette kontaktperson på arbejdspladsen.
A :: Meget tid går med at ringe rundt for at finde nærmeste leder – især i de store koncerner hvor HR sidder et helt andet sted.
A :: Mere dokumentation og registrering end før.
A :: Administrationen omkring møderne: booke, indkalde, sende referat, registrere i fagsystemet.
A :: Dobbeltregistrering til projektet
A :: Besværligt at få kontakt til arbejdsgiver — lange mailtråde før man har en aftale.
R :: Svært at nå 1. samtale inden for fristen
R :: Sagerne kommer for sent over fra ydelse, så vi når ikke at holde samtalen rettidigt.
R :: Rettidigheden. Der går for lang tid fra visitation til vi overtager borgeren.
R :: Det er svært at få et møde i stand inden udgangen af 8. uge, fordi arbejdsgiver ikke kan finde en tid.
R :: At overholde tidsfristerne når lægeerklæringen ikke er kommet.
D :: Lang køretid til arbejdspladserne.
D :: Afstanden. Vi dækker et stort geografisk område, og mange borgere arbejder i andre kommuner.
D :: Nogle arbejdspladser ligger langt væk, fx i Hamborg eller København, og så går hele dagen.
D :: Transporttid
D :: geografi / afstand til virksomheder
F :: Der er ikke plads til en faglig vurdering af, om mødet giver mening i den konkrete sag.
F :: For rigide rammer – alle sager skal ud, også dem hvor det helt åbenlyst ikke giver mening.
F :: Vi har ikke alle fået bærbar og mobil, så man kan ikke arbejde ude.
F :: Manglende fleksibilitet i konceptet.
F :: At man ikke må bruge sin faglighed. Nogle borgere har det bedre med et møde i jobcentret først.
F :: mangler laptop til at skrive referat ude hos virk.
K :: Modstand mod projektet blandt kolleger.
K :: Det er en stor omstilling at skulle være konsulent ude i virksomhederne i stedet for sagsbehandler bag et skrivebord.
K :: Nogle kolleger tror ikke på ideen og gør det derfor kun halvhjertet.
K :: Svært at finde sig til rette i den nye rolle
K :: Kulturen. Vi er vant til at borgeren kommer til os.
K :: Motivationen for at følge rammen er dalet efter de første måneder.
T R :: For mange sager, og sagerne kommer for sent fra visitationen, så fristen er svær at holde.
T R :: Høj sagsbelastning gør, at 1. samtale ofte ikke bliver holdt rettidigt.
T R :: sagsantal + rettidighed
T R :: Man har for mange sager til at kunne nå at booke møderne inden for tidsfristen.
T R :: Travlhed. Og så er det svært at få fat i arbejdsgiveren hurtigt nok til at holde samtalen til tiden.
T D :: Tid og afstand. Vi har et stort landdistrikt.
T D :: Mange sager og lang transport ud til virksomhederne — en samtale kan tage 4 timer inkl. kørsel.
T D :: sagstal, kørsel
T D :: For mange sager, og afstanden gør det umuligt at nå mere end ét møde om dagen.
T A :: Sagsantallet er for højt, og det tager lang tid at finde den rigtige kontakt i virksomheden.
T A :: For mange sager og for meget administration.
T A :: Stor sagsstamme kombineret med de mange ekstra registreringer i projektet.
T A :: Der er ikke tid nok til sagerne,\nog der er kommet mere papirarbejde.
T V :: Sagsantal og arbejdsgivere der ikke vil.
T V :: Ikke tid nok. Derudover er mange borgere ikke motiverede for et møde på arbejdspladsen.
T V :: At arbejdsgiverne ikke ser meningen, og at vi har for mange sager til at insistere.
T F :: For mange sager og for lidt frihed til selv at vurdere hvem der skal have mødet ude.
T F :: tid. og at vi stadig mangler mobiltelefoner
T K :: Mange sager, og nogle kolleger har svært ved den nye rolle som konsulent.
V R :: Arbejdsgiverne svarer ikke på henvendelser, så vi når ikke mødet inden fristen. Nogle vil slet ikke.
A R :: Det tager tid at opspore arbejdsgiveren administrativt, og så overskrider vi fristen for 1. samtale.
D F :: Lange afstande, og ingen mulighed for at vælge et telefonmøde i stedet, selv når det ville give mening.
T D A :: For mange sager, lange køreture og meget bøvl med at finde kontaktpersoner.
X :: Det er uklart hvem der har ansvaret for hvad i projektet.
X :: Manglende opbakning fra ledelsen.
X :: IT-systemet understøtter ikke arbejdsgangen.
X :: Borgerne får forskellige beskeder fra ydelse og fra os.
X :: Lægerne kender ikke til projektet og skriver erklæringer der ikke passer.
X :: Samarbejdet med a-kasserne
X :: Uklar kommunikation om hvad projektet egentlig går ud på
X :: Vi mangler mødelokaler når borgeren ikke kan komme på arbejdspladsen.
X :: Sprogbarrierer hos nogle borgere.
X :: Manglende kendskab til lovgivningen blandt nye kolleger.
X :: Organisationsændringer midt i projektet har skabt uro.
X :: Der er for mange projekter på én gang i jobcentret.
X :: Manglende sparring med kolleger i projektet.
X :: Udskiftning af medarbejdere – vi har haft tre projektledere.
X :: Det er svært at få lægeerklæringerne hjem.
X :: Forskellige fortolkninger af målgruppen mellem teams.
X :: Manglende feedback på om det virker.
X :: Samarbejdet med ydelsesafdelingen halter.
X :: Borgere med misbrug eller sociale problemer ud over sygdommen.
X :: Fagforeningerne blander sig.
X :: For lidt undervisning i metoden inden opstart.
X :: Usikkerhed om økonomien efter projektperioden.
X :: "Det er ikke tiden der er problemet" som nogen siger – det er at vi ikke ved hvad der skal måles på.
"""

# Barriers, Midtvejs, leaders (Y=21)
BAR_MID_L = r"""
T :: Medarbejdernes sagsantal er for højt til at de kan prioritere opfølgningen.
T :: Ressourcer. Vi har ikke fået de ekstra stillinger vi havde regnet med.
T :: For stor sagsmængde pr. konsulent
V :: Arbejdsgivere, der ikke ønsker besøg fra kommunen.
A :: Den administrative opgave med at etablere kontakt til arbejdsgiverne er undervurderet.
R :: Overdragelsen fra visitation til fastholdelseskonsulent tager for lang tid.
R :: rettidighed
D :: Geografien – kommunen er stor og mange pendler.
D :: Store afstande i et udkantsområde.
K :: Nogle medarbejdere har svært ved at omstille sig til den nye rolle.
K :: Kulturændringen tager længere tid end forventet.
K :: Modstand blandt dele af medarbejdergruppen, som ikke kan se meningen.
K :: At få medarbejderne til at holde fast i rammen og ikke falde tilbage til den gamle praksis.
T K :: Sagstallet er for højt, og ikke alle medarbejdere har taget den nye rolle til sig.
T K :: Travlhed og manglende motivation hos enkelte medarbejdere for at gøre det på den nye måde.
T R :: For mange sager pr. medarbejder gør det svært at holde første samtale rettidigt.
T R :: Sagsantal og rettidighed.
R A :: Meget administration før der er kontakt til arbejdspladsen, og derfor overskrides fristerne.
T D :: Tid og afstand.
T V :: Høj sagsbelastning. Derudover modvilje fra nogle arbejdsgivere.
X :: Manglende politisk opbakning.
"""

# Barriers, Afslutning, employees (Y=103)
BAR_AFS_M = r"""
T :: Stadig for mange sager.
T :: sagsantallet er steget igen efter projektet
T :: tiden
T :: Der er for lidt tid til hver sag, når man har over 50.
T :: For stor sagsstamme til at det kan lade sig gøre at holde alle samtaler pa arbejdspladsen.
T :: Vi fik aldrig det lavere sagstal, der var lovet.
T :: Manglende tid – vi har fået flere andre opgaver ind undervejs.
T :: Arbejdspresset.
T :: Sagsmængden helt klart
T :: travlhed travlhed travlhed
T :: Jeg har 65 sager. Det er ikke realistisk at køre ud til alle.
T :: Ressourcerne følger ikke med ambitionerne.
T :: Antallet af sager pr medarbejder er for hojt
T :: Der er ikke tid til at forberede sig ordentligt til møderne.
T :: For mange sager. Punktum.
T :: Tidsmangel og sygdom blandt kollegerne, så vi dækker ind for hinanden.
T :: Sagsbelastningen er blevet værre i løbet af projektet.
T :: for hoejt sagstal
T :: Mangel på tid
T :: Vi er underbemandet.
T :: Når man har mange sager, bliver det de akutte der får tiden.
T :: tid og ressourcer
T :: Hvis sagstallet kom ned på 35, ville det fungere.
T :: Det har været en udfordring at få tid til det hele med det antal sager vi har.
T :: sagsantal
T :: Manglende tid i kalenderen.
T :: Vores sagstal har ligget på 60-70 under hele projektet.
T :: Afstanden er ikke et problem for mig. Det er antallet af sager.
T :: For mange opgaver og for lidt tid.
T :: Der er ikke afsat tid nok til den virksomhedsrettede del.
T :: Tiden rækker ikke.
T :: Stor arbejdsmængde
T :: Hvis man skulle gøre det helt efter bogen, skulle vi have halvt så mange sager.
T :: Der mangler personale
V :: Arbejdsgiverne er stadig skeptiske over for at vi kommer ud.
V :: Borgerne vil ikke.
V :: Nogle borgere er bange for at møde chefen og siger nej til mødet.
V :: Manglende vellvilje hos arbejdsgiverene
V :: AG har ikke tid eller lyst.
V :: Virksomhederne oplever det som spild af tid.
V :: Større virksomheder med HR har deres egne procedurer og ønsker ikke kommunen indblandet.
V :: Vi mangler lovhjemmel – vi kan ikke kræve at mødet holdes på arbejdspladsen.
V :: Borgere der har konflikt med deres leder og ikke vil mødes der.
V :: arbejdsgivere siger nej..
V :: Manglende motivation hos sygemeldte
V :: Det er svært at motivere både borger og arbejdsgiver, når de ikke kender til projektet.
V :: Arbejdsgivers modvilje.
V :: Det er svært at få argumenterne til at bide på hos arbejdsgiveren.
V :: Borgerne forstår ikke hvorfor vi skal ud på deres arbejde.
V :: Arbejdsgiverne vil hellere klare det selv
A :: Det administrative bøvl med at få fat i den rigtige leder.
A :: Mere administration end forventet.
R :: Vi får sagerne for sent til at holde 1. samtale i tide.
R :: Det er svært at nå inden udgangen af 8. uge.
R :: Rettidighed i opfølgningen.
R :: Lang ventetid fra sygemeldingen til sagen lander hos os.
D :: Afstand til arbejdspladserne
D :: Vi har borgere der arbejder på Sjælland, og vi sidder i Jylland.
D :: Køretiden ud til virksomhederne.
D :: Store geografiske afstande
F :: Der burde være mulighed for at fravige reglen om mødet på arbejdspladsen i særlige sager. Fx når borgeren er meget psykisk sårbar, eller når der allerede er en god plan. Vi har jo en faglighed,\nog den skal vi have lov at bruge.
F :: Manglende mulighed for at bruge faglig vurdering.
F :: Vi har stadig ikke fået mobiltelefoner, så arbejdsgiverne kan ikke fange os når vi er ude.
F :: For firkantet model.
F :: "One size fits all" passer ikke på alle sager.
F :: Ingen bærbar pc, så man skal hjem og skrive alt ind bagefter.
K :: Ikke alle kolleger er med på ideen.
K :: Den nye rolle som fastholdelseskonsulent er svær at vænne sig til.
K :: Gamle vaner. Det er nemmere at indkalde til jobcentret, og nogle af os har gjort det på den måde i 20 år. Det tager tid at ændre.
K :: Modstand mod forandring i teamet.
K :: Svært at holde motivationen oppe, når projektet har kørt længe.
K :: Jeg savner at være sagsbehandler. Den nye rolle passer mig ikke.
T V :: For mange sager, og arbejdsgiverne er ikke altid interesserede.
T V :: Tid. Og borgere der ikke vil have os ud.
T V :: Sagsantal / arbejdsgivere der afviser
T V :: Vi har travlt, og virksomhederne kender ikke projektet.
T V :: For meget at lave, og en del borgere er ikke motiverede.
T V :: Tiden, og at man står uden argumenter over for arbejdsgiveren.
T R :: For mange sager, så første samtale bliver ofte afholdt for sent.
T R :: Sagsantal og korte frister.
T R :: Travlhed gør det svært at nå mødet inden 8. uge.
T R :: Tid og rettidighed
T D :: Tid, og lange afstande.
T D :: Højt sagstal kombineret med lang kørsel.
T D :: For mange sager og for langt ud til nogle af arbejdspladserne.
T K :: Sagsantallet, og at det tager tid at lære den nye rolle.
T K :: For mange sager og kolleger der ikke tror på projektet.
T F :: For mange sager og for lidt plads til at vurdere den enkelte sag.
T F :: travlhed og manglende it-udstyr til at arbejde ude
T A :: For mange sager og for meget dokumentation.
T A :: Tidspres og administrative opgaver.
V R :: Arbejdsgivere der trækker den, så mødet ikke kan holdes til tiden.
V R :: Borgere der ikke vil, og sager der kommer sent ind.
V K :: Hverken arbejdsgivere eller alle kolleger er motiverede for modellen.
T V R :: Mange sager, svært at få fat i AG i tide, og nogle AG vil slet ikke.
X :: Ledelsen bakker ikke op
X :: Usikkerhed om hvad der sker efter projektet slutter.
X :: Fagsystemet driller stadig.
X :: Samarbejdet med de praktiserende læger.
X :: For mange skift i organiseringen.
X :: Vi mangler viden om reglerne for delvis raskmelding.
X :: Det er ikke blevet forankret i resten af forvaltningen.
X :: Borgere med komplekse problemer fylder meget.
"""

# Barriers, Afslutning, leaders (Y=20)
BAR_AFS_L = r"""
T :: Sagsantallet hos medarbejderne.
T :: Ressourcer.
T :: Medarbejderne har for mange sager til at leve op til rammen.
T :: Vi har ikke kunnet reducere sagstallet som forudsat.
T :: Tid – især i perioder med mange nye sager.
T :: Generelt travlhed i jobcentret.
T :: For høj sagsbelastning.
T :: Økonomien tillader ikke lavere sagstal.
V :: Arbejdsgivernes modvilje mod at bruge tid på mødet.
V :: Manglende motivation hos en del borgere.
K :: Det tager tid at ændre kulturen.
K :: Enkelte medarbejdere har ikke ønsket at arbejde på den nye måde.
T V :: Sagsantal og arbejdsgivere der ikke vil deltage.
T V :: Travlhed og manglende vilje hos arbejdsgiverne.
T K :: For mange sager, og den nye rolle er svær for nogle.
T R :: Sagstallet presser rettidigheden.
T D :: Tid og geografi.
X :: Manglende styringsdata.
X :: Samarbejdet på tværs af afdelingerne.
X :: Udskiftning i ledelsen undervejs.
"""

# --------------------------------------------------------------------------
# Exemption criteria, Midtvejs, employees (Y=80)
UND_MID_M = r"""
t :: Hvis borger forventes raskmeldt inden for 4 uger.
t :: raskmelding indenfor 2 uger
t :: Forventet raskmelding inden 8. uge
t :: Hvis borger er opsagt.
t :: Når borgeren er opsagt eller selv har sagt op, holder vi ikke mødet på arbejdspladsen.
t :: Kort forventet sygeforløb (under 3 uger)
t :: raskmelding snart
t :: Hvis lægen vurderer at borgeren er tilbage i job om få uger.
d :: Over 30 km til arbejdspladsen.
d :: Hvis arbejdspladsen ligger uden for kommunen / langt væk.
s :: Standby-sager
s :: Hvis lægen fraråder deltagelse.
s :: Borgere med hjerneskade.
s :: Alvorlig kræftsygdom, hvor borger er i behandling.
s :: Sager der er sat i standby.
s :: Når egen læge skriver, at borgeren ikke kan tåle at deltage i møder.
g :: Hvis arbejdsgiver afviser at deltage efter flere forsøg.
g :: Arbejdsgiver vil ikke.
g :: Når AG ikke svarer efter 3 henvendelser.
g :: Modvillig arbejdsgiver
g :: Hvis virksomheden ikke ønsker besøg, selvom vi har forklaret formålet.
g :: Arbejdsgivere der siger nej tak – så holder vi samtalen i jobcentret.
r :: Hvis borger ikke selv kan komme til arbejdspladsen.
r :: Borgere der ikke kan køre pga. sygdommen.
r :: Manglende transportmulighed for borger.
b :: Hvis borger efter motivationssamtale stadig ikke vil.
b :: Borger nægter.
b :: Når borgeren ikke ønsker at mødet holdes på arbejdspladsen, trods dialog.
t d :: Raskmelding inden for 4 uger; afstand over 30 km.
t d :: Kort sygeforløb og lang afstand
t d :: - forventet raskmelding inden 3 uger\n- over 30 min. kørsel
t d :: Hvis borger raskmeldes indenfor 2-4 uger eller arbejdspladsen ligger mere end en halv time væk.
t d :: opsigelse, afstand
t d :: Raskmelding snarest, eller lang køretur ud til virksomheden.
t d :: Hvis borger er opsagt, eller hvis arbejdspladsen er i en anden landsdel.
t d :: Afstand > 30 km, raskmelding < 4 uger
t d :: Lang afstand. Kort sygdomsforløb.
t d :: Vi undtager hvis der er langt ud (over 40 km) og hvis borger er på vej tilbage i job.
t d :: 1) Forventet raskmeldt inden for 14 dage 2) Arbejdspladsen ligger langt væk
t d :: tidlig raskmelding / afstand
t d :: Hvis det er mindre end 3 uger til raskmelding, eller hvis det tager over en time at køre derud.
t d :: Borgere der er opsagt og borgere med arbejdsplads langt fra kommunen.
t d g :: Raskmelding inden 4 uger, over 30 km, arbejdsgiver der ikke vil.
t d g :: Afstand, tidlig raskmelding, modvillige arbejdsgivere
t d g :: Hvis borgeren snart raskmeldes; hvis der er langt; hvis AG efter kontakt stadig ikke vil.
t d g :: Vi har aftalt: kort forventet sygeforløb, afstand over 30 km og hvis arbejdsgiver afviser møde.
t d g :: opsagt/raskmeldt, langt væk, AG afviser
t d g :: "Langt væk" (over en halv time), raskmelding inden for 3 uger, og når arbejdsgiveren trods flere opringninger ikke vil deltage.
t d s :: Standby sager, raskmelding inden 4 uger, over 30 km.
t d s :: Hvis lægen fraråder det, hvis borger snart er rask, eller hvis der er for langt.
t d s :: Hjerneskade, kræft; kort sygeforløb; lang afstand
t s :: Standby og forventet raskmelding inden for 2 uger.
t s :: Hvis borger er opsagt eller sagen er standby.
t s :: Kræftsager, og borgere der forventes raskmeldt snart.
t g :: Tidlig raskmelding og modvillig arbejdsgiver.
t g :: Opsagte borgere, og når arbejdsgiver ikke vil samarbejde.
t g :: Hvis borger er raskmeldt inden mødet kan holdes, eller AG siger nej efter flere forsøg.
t g :: raskmelding inden for 4 uger / AG vil ikke
d g :: Langt til arbejdspladsen og AG der ikke vil
d g :: Over 30 km. Hvis arbejdsgiver ikke ønsker det.
d g :: Afstand og modvilje fra arbejdsgiver.
d g :: Hvis virksomheden ligger langt væk, eller hvis virksomheden efter flere forsøg stadig ikke vil have besøg.
d g :: 30 min kørsel. Arbejdsgiver afviser.
d g :: afstand, modvillig AG
d r :: Lang afstand, og borger der ikke kan transportere sig selv.
d r :: Over 30 km eller hvis borger ikke kan komme derud pga. sygdom.
d r :: Afstand/transport – hvis borgeren ikke selv kan køre og der er langt.
g b :: Hvis arbejdsgiver eller borger ikke vil, efter vi har forsøgt at motivere.
g b :: Modvilje fra AG eller borger
g b :: Når enten borgeren eller arbejdsgiveren siger nej trods dialog.
g r :: Arbejdsgiver der ikke vil, borger der ikke kan komme derud.
g r :: Hvis AG ikke vil deltage eller borgeren ikke kan transportere sig.
t d g b :: Raskmelding inden 4 uger; over 30 km; modvillig AG; modvillig borger.
t d s r :: Standby, raskmelding inden 3 uger, langt væk, og hvis borger ikke kan transportere sig selv.
x :: Gravide med graviditetsbetingede gener.
x :: Hvis der er en verserende arbejdsskadesag eller konflikt på arbejdspladsen.
x :: Borgere med misbrug.
x :: Hvis borgeren er indlagt.
x :: Dårligt arbejdsmiljø som årsag til sygemeldingen.
x :: Afstand er ikke et kriterium hos os — vi kører ud uanset. Men hvis sygemeldingen skyldes mobning, holder vi mødet i jobcentret.
"""

# Exemption criteria, Midtvejs, leaders (Y=9)
UND_MID_L = r"""
t d s :: Vi har besluttet at undtage standby-sager, borgere der forventes raskmeldt inden for 4 uger og arbejdspladser mere end 30 km væk.
t d s :: Tidlig raskmelding, lang afstand, lægen fraråder.
t d g :: Raskmelding eller opsigelse inden for få uger, stor afstand, samt modvillige arbejdsgivere efter flere kontaktforsøg.
d g r :: Afstand; borgere der ikke kan transportere sig selv; arbejdsgivere der ikke vil medvirke.
t s :: Kort sygeforløb og standby-sager.
s g :: Hjerneskadede borgere og arbejdsgivere der afviser.
t r :: Forventet raskmelding inden 8. uge eller hvis borger ikke kan komme til arbejdspladsen på grund af sygdom.
d :: Lang afstand til arbejdspladsen, over 45 min.
g :: Når arbejdsgiveren efter gentagne forsøg stadig ikke ønsker at deltage.
"""

# Exemption criteria, Afslutning, employees (Y=88)
UND_AFS_M = r"""
t :: Raskmelding inden for 4 uger
t :: Hvis borgeren forventes raskmeldt inden for 2 uger.
t :: opsagte borgere
t :: Kort forventet fravær
t :: Hvis der er en raskmeldingsdato lige efter 8. uge.
t :: raskmeldt inden 3 uger
t :: Borgere, der er opsagt fra deres stilling.
t :: Hvis sygemeldingen forventes at vare under en måned.
t :: Når borger allerede har en dato for raskmelding inden for kort tid.
t :: Forventet raskmeldig indenfor 14 dage
t :: Opsigelse
t :: Hvis borgeren snart er tilbage i arbejde.
t :: tidlig raskmelding
t :: Hvis borgeren er fratrådt eller fratræder inden for få uger.
t :: Raskmelding inden for 2-4 uger.
t :: Borgere med en kort sygemelding, fx efter en planlagt operation med kendt raskmeldingsdato.
t :: Hvis borger er tilbage på nedsat tid og forventes fuldt raskmeldt om 2 uger.
t :: Korte forløb.
t :: Når det forventes at borgeren raskmeldes inden 1. samtale.
t :: Hvis borger har fået sin opsigelse.
d :: Mere end 30 km til arbejdsstedet
d :: Lang afstand
d :: Hvis arbejdspladsen ligger mere end 30 minutters kørsel væk.
d :: Arbejdspladser i andre landsdele.
d :: afstand
d :: Når borgeren arbejder langt fra kommunen, fx i København.
d :: Hvis der er over 50 km .
d :: Langt væk
d :: Arbejdspladser i udlandet eller på Bornholm.
d :: Hvis det tager over en time at køre derud.
d :: Geografisk afstand
d :: Afstand på mere end 40 km.
d :: for langt at køre
d :: Over en halv times kørsel.
d :: Virksomheder langt udenfor kommunegrænsen.
g :: Arbejdsgiver der ikke vil deltage trods flere henvendelser.
g :: hvis AG afviser
g :: Når arbejdsgiveren ikke ønsker mødet.
g :: Virksomheden nægter at medvirke.
r :: Hvis borgeren ikke kan komme til arbejdspladsen pga. sin sygdom.
r :: Borgere der ikke kan transportere sig selv.
r :: Når borgeren ikke må køre bil (fx efter operation) og ikke kan tage offentlig transport.
b :: Hvis borger ikke ønsker det, trods motivation.
b :: Modvillig borger
b :: Borgere der efter samtale stadig afviser at mødet holdes på arbejdspladsen.
t d :: Raskmelding inden for 4 uger og lang afstand.
t d :: Opsigelse; afstand over 30 km.
t d :: kort sygeforløb, langt væk
t d :: Hvis borger raskmeldes inden 2 uger, eller arbejdspladsen ligger over 30 min. væk.
t d :: Tidlig raskmelding\nAfstand
t d :: Opsagte borgere og borgere med arbejdsplads i en anden region.
t d :: Raskmeldt inden for kort tid / over 40 km
t d :: Forventet raskmelding snart eller lang transporttid for os.
t d :: Afstand og opsigelse
t d :: Når der er langt, og når der er en raskmeldingsdato inden for 3 uger.
t d :: Over 30 km eller forventet tilbage i job inden 4 uger.
t d :: korte forløb + lange afstande
t d g :: Raskmelding inden 4 uger, over 30 km, arbejdsgiver afviser.
t d g :: Opsagt, langt væk, eller AG der ikke vil.
t d g :: Kort sygdomsforløb, afstand og modvillige arbejdsgivere.
t d r :: Kort sygemelding, lang afstand og borgere der ikke kan komme derud selv.
t d r :: Raskmelding inden 14 dage; mere end 30 km; borger kan ikke transportere sig.
t g :: Opsigelse og arbejdsgivere der ikke vil.
t g :: Raskmelding inden for kort tid eller modvillig AG.
t g :: Hvis borger snart er rask, eller hvis arbejdsgiver efter flere forsøg ikke vil.
d r :: Afstand, og hvis borgeren ikke kan transportere sig selv.
d r :: Langt væk / borger kan ikke komme derud pga. sygdom.
d r :: Over 30 km, og borgere der ikke kan køre.
d r :: Hvis der er langt, og borgeren ikke selv kan komme frem.
d g :: Lang afstand, modvillig arbejdsgiver.
d g :: Over 30 km eller hvis arbejdsgiveren ikke vil.
g b :: Modvillige arbejdsgivere og borgere.
g b :: Hvis enten AG eller borger stadig siger nej efter dialog.
t b :: Raskmelding inden 4 uger, eller hvis borgeren efter motivation ikke vil.
t b :: Opsagt, eller borger der ikke ønsker det.
r b :: Borgere der ikke kan eller ikke vil komme ud på arbejdspladsen.
t s :: Standby-sager og raskmelding inden for 4 uger.
x :: Graviditetsbetingede sygemeldinger.
x :: Hvis sygemeldingen skyldes konflikt med arbejdsgiver.
x :: Borgere i fleksjob.
x :: Hvis der er mistanke om arbejdsskade.
x :: Psykisk sårbare borgere, hvor mødet kan forværre tilstanden.
x :: Når borger er indlagt.
x :: Sygemeldte fra egen virksomhed (selvstændige).
x :: Hvis borgeren har et andet sprog og der skal tolk på.
x :: Afstand bruger vi ikke længere som kriterium. Men hvis der er en verserende arbejdsskadesag, venter vi.
x :: Elever og lærlinge.
x :: Stress pga. arbejdsmiljøet.
"""

# Exemption criteria, Afslutning, leaders (Y=12)
UND_AFS_L = r"""
t :: Forventet raskmelding inden for 4 uger.
t :: Opsigelse eller raskmelding inden for kort tid.
t :: Vi undtager borgere, der forventes tilbage i job inden for 2-4 uger.
t :: Korte sygeforløb.
t :: Hvis medarbejderen er opsagt.
t d :: Tidlig raskmelding og afstand over 30 km.
t d :: Kort forventet forløb; lang afstand.
t s :: Standby-sager og sager med kendt raskmeldingsdato inden for få uger.
t g :: Hvis borgeren raskmeldes snart, eller arbejdsgiver trods dialog afviser.
d r :: Stor afstand og borgere der ikke kan transportere sig.
s :: Hvis lægen direkte fraråder det.
x :: Borgere med en verserende sag i Ankestyrelsen.
"""

# Non-substantive answers, as people type them into a box they must not skip.
FILLERS = ["-", "ved ikke", "Ved ikke.", "ingen kommentarer", "nej", "intet at tilføje",
           "kan ikke svare", "?", "ingen", "N/A", "Ved ikke", "--", "Nej", "ikke relevant",
           "Ingen kommentarer", ".", "Intet", "kan ikke svare på det", "Har ikke noget",
           "x", "ved ik", "ingen bemærkninger", "Nej tak", "0", "...", "n/a", "Ingen.",
           "Det ved jeg ikke", "intet"]

KOMMUNER = ["Aarhus", "Aalborg", "Esbjerg", "Vejle", "Horsens", "Kolding", "Herning",
            "Randers", "Silkeborg", "Holbæk", "Frederiksberg", "Næstved", "Billund"]
ROLES_M = ["Myndighedssagsbehandler"] * 5 + ["Fastholdelseskonsulent"] * 6 + \
          ["Virksomhedskonsulent"] * 2 + ["Anden faglighed"]
ROLES_L = ["Afdelingsleder/teamchef for sygedagpengeområdet"] * 3 + \
          ["Afdelingsleder/teamchef for virksomhedsindsatsen"] * 2 + ["Faglig koordinator"] * 2

CELLS = {("sof-barrierer", "Midtvejs", "Medarbejder"): (BAR_MID_M, BAR),
         ("sof-barrierer", "Midtvejs", "Leder"): (BAR_MID_L, BAR),
         ("sof-barrierer", "Afslutning", "Medarbejder"): (BAR_AFS_M, BAR),
         ("sof-barrierer", "Afslutning", "Leder"): (BAR_AFS_L, BAR),
         ("sof-undtagelser", "Midtvejs", "Medarbejder"): (UND_MID_M, UND),
         ("sof-undtagelser", "Midtvejs", "Leder"): (UND_MID_L, UND),
         ("sof-undtagelser", "Afslutning", "Medarbejder"): (UND_AFS_M, UND),
         ("sof-undtagelser", "Afslutning", "Leder"): (UND_AFS_L, UND)}
COLUMN = {"sof-barrierer": "Barrierer for implementeringen",
          "sof-undtagelser": "Andre undtagelseskriterier"}
ORDER = {"sof-barrierer": BAR_ORDER, "sof-undtagelser": UND_ORDER}


def parse(block, abbrev):
    out = []
    for line in block.strip("\n").split("\n"):
        codes, sep, text = line.partition(" :: ")
        assert sep, "no ' :: ' in: " + line
        ids = [abbrev[c] for c in codes.split()]
        assert len(set(ids)) == len(ids), line
        out.append((ids, text.replace("\\n", "\n")))
    texts = [t for _, t in out]
    assert len(set(texts)) == len(texts), "the same answer twice in one block"
    return out


# Real staff type without æøå on some keyboards and phones, and some
# answers pass through OCR or a broken export.  The damage never changes
# what an answer means, so the gold stays the same.
ASCII_MAPS = [{"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"},
              {"æ": "ae", "ø": "o", "å": "a", "Æ": "AE", "Ø": "O", "Å": "A"}]
# As in the seed reports' OCR: ø read as g or @, å as a or 3, æ as ee, se or a.
OCR_MAP = {"ø": ["g", "g", "@"], "å": ["a", "a", "3"], "æ": ["ee", "se", "a"],
           "Ø": ["G"], "Å": ["A"]}


def ascii_fold(text, rng):
    m = rng.choice(ASCII_MAPS)
    return "".join(m.get(ch, ch) for ch in text)


def ocr_damage(text, rng):
    out = []
    for i, ch in enumerate(text):
        if ch in OCR_MAP and rng.random() < 0.8:
            out.append(rng.choice(OCR_MAP[ch]))
        elif ch == "I" and rng.random() < 0.7:
            out.append("|")
        elif ch == "l" and 0 < i < len(text) - 1 and text[i - 1] != " " and rng.random() < 0.08:
            out.append("I")
        else:
            out.append(ch)
    return "".join(out)


def roughen(text, rng):
    r = rng.random()
    if r < 0.05:
        return ocr_damage(text, rng)
    if r < 0.15:
        return ascii_fold(text, rng)
    if r < 0.19:
        return text.lower()
    if r < 0.21:
        return text + "\n"
    return text


def build(rng):
    """Return (rows, gold) with rows as dicts in file order and gold as
    {codebook: [(id, codes)]}."""
    cell_answers = {}
    for key in sorted(CELLS):
        block, abbrev = CELLS[key]
        answers = parse(block, abbrev)
        rng.shuffle(answers)
        cell_answers[key] = answers

    rows = []
    gold = {"sof-barrierer": [], "sof-undtagelser": []}
    for wave, prefix in (("Nulpunkt", "N"), ("Midtvejs", "M"), ("Afslutning", "A")):
        kommuner = [k for k in KOMMUNER if k != "Billund" or wave != "Afslutning"]
        people = []
        for role in ("Medarbejder", "Leder"):
            n = RESPONDENTS[wave][role]
            answers = {cb: [None] * n for cb in COLUMN}
            if wave != "Nulpunkt":
                for cb in COLUMN:
                    subst = cell_answers[(cb, wave, role)]
                    slots = rng.sample(range(n), n)
                    for slot, ans in zip(slots, subst):
                        answers[cb][slot] = ans
                    # The rest left it blank or wrote a filler.  Barriers were
                    # asked of everyone; exemptions only of those who said Ja.
                    rate = 0.4 if cb == "sof-barrierer" else 0.06
                    for slot in slots[len(subst):]:
                        if rng.random() < rate:
                            answers[cb][slot] = ([], rng.choice(FILLERS))
            for i in range(n):
                func = rng.choice(ROLES_M if role == "Medarbejder" else ROLES_L)
                people.append((role, func, {cb: answers[cb][i] for cb in COLUMN}))
        rng.shuffle(people)
        for num, (role, func, ans) in enumerate(people, 1):
            rid = "%s%04d" % (prefix, num)
            row = {"Respondent-ID": rid, "Kommune": rng.choice(kommuner),
                   "Måling": wave, "Arbejdsfunktion": func,
                   "_role": role}
            for cb, col in COLUMN.items():
                a = ans[cb]
                if a is None:
                    row[col] = ""
                    continue
                ids, text = a
                if ids:
                    text = roughen(text, rng)
                    codes = ";".join(c for c in ORDER[cb] if c in ids)
                else:
                    codes = "ingen_svar"
                row[col] = text
                gold[cb].append((rid, codes))
            rows.append(row)
    return rows, gold


HEADER = ["Respondent-ID", "Kommune", "Måling", "Arbejdsfunktion",
          "Barrierer for implementeringen", "Andre undtagelseskriterier"]


def survey_bytes(rows):
    s = io.StringIO()
    w = csv.writer(s, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(HEADER)
    for r in rows:
        w.writerow([r[h] for h in HEADER])
    return ("\ufeff" + s.getvalue()).encode("utf-8")


def gold_bytes(pairs):
    s = io.StringIO()
    w = csv.writer(s, delimiter=",", lineterminator="\n")
    w.writerow(["id", "codes"])
    for rid, codes in pairs:
        w.writerow([rid, codes])
    return s.getvalue().encode("utf-8")


def verify(survey, golds):
    """Recount X and Y from the written bytes and compare with the
    published figures.  Returns the report lines."""
    text = survey.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert list(rows[0].keys()) == HEADER
    role_of = {v: "Medarbejder" for v in ROLES_M}
    role_of.update({v: "Leder" for v in ROLES_L})
    info = {}
    resp = {}
    for r in rows:
        rid = r["Respondent-ID"]
        assert rid not in info, "duplicate id " + rid
        info[rid] = (r["Måling"], role_of[r["Arbejdsfunktion"]], r)
        cell = resp.setdefault(r["Måling"], {}).setdefault(role_of[r["Arbejdsfunktion"]], 0)
        resp[r["Måling"]][role_of[r["Arbejdsfunktion"]]] = cell + 1
        if r["Måling"] == "Afslutning":
            assert r["Kommune"] != "Billund"
    assert resp == RESPONDENTS, resp
    lines = ["respondents: " + json.dumps(resp, ensure_ascii=False)]
    for cb, raw in golds.items():
        g = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
        col = COLUMN[cb]
        seen = set()
        base, counts = {}, {}
        for row in g:
            wave, role, r = info[row["id"]]
            assert row["id"] not in seen
            seen.add(row["id"])
            assert r[col].strip(), "gold row for empty answer " + row["id"]
            codes = row["codes"].split(";")
            assert all(c in ORDER[cb] or c == "ingen_svar" for c in codes), codes
            if codes == ["ingen_svar"]:
                continue
            base[(wave, role)] = base.get((wave, role), 0) + 1
            for c in set(codes):
                counts[(c, wave, role)] = counts.get((c, wave, role), 0) + 1
        nonempty = sum(1 for r in rows if r[col].strip())
        assert nonempty == len(g), (cb, nonempty, len(g))
        pub = PUBLISHED[cb]
        for wave, roles in pub["bases"].items():
            for role, y in roles.items():
                got = base.get((wave, role), 0)
                assert got == y, (cb, "Y", wave, role, got, y)
                for cat, per in pub["counts"].items():
                    x = per[wave][role]
                    gx = counts.get((cat, wave, role), 0)
                    assert gx == x, (cb, cat, wave, role, gx, x)
                    lines.append("%-16s %-22s %-10s %-11s X=%3d Y=%3d  ok"
                                 % (cb, cat, wave, role, gx, got))
                lines.append("%-16s %-22s %-10s %-11s andet=%d (not published)"
                             % (cb, "andet", wave, role, counts.get(("andet", wave, role), 0)))
        assert all(w in pub["bases"] for (w, _) in base), "substantive answers outside asked waves"
        nons = sum(1 for row in g if row["codes"] == "ingen_svar")
        lines.append("%s: %d gold rows, %d substantive, %d ingen_svar"
                     % (cb, len(g), len(g) - nons, nons))
    return lines


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    out = args[0] if args else OUT
    if os.path.exists(PUBLISHED_JSON):
        with open(PUBLISHED_JSON, encoding="utf-8") as f:
            ref = json.load(f)
        assert ref["respondents"] == RESPONDENTS
        for t in ref["tables"]:
            assert t["bases"] == PUBLISHED[t["codebook"]]["bases"]
            assert t["counts"] == PUBLISHED[t["codebook"]]["counts"]
    rows, gold = build(random.Random(SEED))
    files = {"survey.csv": survey_bytes(rows),
             "gold-barrierer.csv": gold_bytes(gold["sof-barrierer"]),
             "gold-undtagelser.csv": gold_bytes(gold["sof-undtagelser"])}
    lines = verify(files["survey.csv"], {"sof-barrierer": files["gold-barrierer.csv"],
                                         "sof-undtagelser": files["gold-undtagelser.csv"]})
    if check:
        for name, data in files.items():
            with open(os.path.join(out, name), "rb") as f:
                if f.read() != data:
                    sys.exit("make-sof-corpus: %s differs from what the script writes" % name)
    else:
        os.makedirs(out, exist_ok=True)
        for name, data in files.items():
            tmp = os.path.join(out, name + ".tmp")
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, os.path.join(out, name))
    print("\n".join(lines))
    print("all published X and Y reproduced" + (" (files on disk match)" if check else ""))


if __name__ == "__main__":
    main()
