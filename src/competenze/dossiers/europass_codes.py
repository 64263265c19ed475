"""The Europass XML v3.4.1 vocabulary our dossiers map to: code lists copied from Cedefop's
XSD (a test checks they still match it), Europass element names, and the fixed phrases the
mapping writes in Italian and English. Data only; europass.py does the mapping.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

NS = "http://europass.cedefop.europa.eu/Europass"

# included/EuropassISOCountries_V1.7.0.xsd `countryCode` (= EuropassNationalities
# `nationalityCountryCode`): ISO 3166-1 with the EU's own EL and UK, and no territories.
COUNTRIES = frozenset(
    """
AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CL CM CN
CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG EL ER ES ET FI FJ FM FR GA GD GE GH GL GM GN GQ GT GW GY HN HR HT
HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NU NZ OM PA PE PG PH PK PL PS PT PW PY QA RO
RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG UK US
UY UZ VA VC VE VN VU WS XK YE ZA ZM ZW""".split()
)
COUNTRY_ALIASES = {"GR": "EL", "GB": "UK"}

# included/EuropassISOLanguages_V1.10.0.xsd: `foreignCode`, and `motherCode` which is the same
# list without the dead and constructed languages.
FOREIGN_LANGUAGES = frozenset(
    """
bg cs da nl en et fi fr de el hu is it lv lt mt no pl pt ro hr sk sl es sv tr ab af sq am ar an hy as az eu be
bn bs br my ca ce zh cu kw co eo fo fj fy ka gd ga gl gv grc gu ht he hi id jv ja kn kk ky kg ko ku lo la li
ln lb mk ml mr ms mg mo mn ne nn nb oc om pa fa ps rm rom ru sr se sd so sc sw ty ta tt te tg tl th bo tk uk
ur uz vi vo cy yi yo km ber fil wol pms ori me asq sqk bos-sgn bfi bqn csc csq cy-sgn cse dsl dse eso fse vgt
sfb fsl gsg gss hsh icl isg ise xk-sgn lsl lls mk-sgn mdl me-sgn nsl pso psr rms srp-sgn svk slv-sgn ssp swl
ssr sgg slf tsm""".split()
)
MOTHER_LANGUAGES = FOREIGN_LANGUAGES - {"cu", "eo", "grc", "la", "oc", "vo"}
# Europass lists Wolof and Oriya under their ISO 639-2 codes although ISO 639-1 ones exist.
LANGUAGE_ALIASES = {"wo": "wol", "or": "ori"}
# Languages our participants speak that the Europass list lacks: they go in as `Label`.
LANGUAGE_NAMES = {
    "prs": ("dari", "Dari"),
    "bin": ("edo", "Edo"),
    "tw": ("twi", "Twi"),
    "ti": ("tigrino", "Tigrinya"),
    "ig": ("igbo", "Igbo"),
    "pcm": ("pidgin nigeriano", "Nigerian Pidgin"),
    "qu": ("quechua", "Quechua"),
    "si": ("singalese", "Sinhala"),
    "ha": ("hausa", "Hausa"),
    "ff": ("fula", "Fula"),
    "bm": ("bambara", "Bambara"),
}
# imported/EUDrivingLicence_V1.1.0.xsd `drivinglicence` (Directive 2006/126/EC; no CQC).
LICENCES = frozenset("AM A1 A2 A B1 B BE C1 C1E C CE D1 D1E D DE".split())
# ProficiencyLevelType (LinguisticSkill.xsd): the five-skill grid, in schema order.
GRID = {
    "listening": "Listening",
    "reading": "Reading",
    "spoken_interaction": "SpokenInteraction",
    "spoken_production": "SpokenProduction",
    "writing": "Writing",
}
# ComputerLevelType (ComputerSkill.xsd): DigComp areas 1-5, in schema order.
AREAS = {"1": "Information", "2": "Communication", "3": "ContentCreation", "4": "Safety", "5": "ProblemSolving"}
# The CEFR Companion Volume adds these to the grid's five: no Europass element for them.
CEFR_SKILLS = (*GRID, "mediation", "online_interaction")

# Generated text as (it, en), keyed by "kind:value" in the dossier's own vocabulary.
PHRASES = {
    "skill:listening": ("ascolto", "listening"),
    "skill:reading": ("lettura", "reading"),
    "skill:spoken_interaction": ("interazione orale", "spoken interaction"),
    "skill:spoken_production": ("produzione orale", "spoken production"),
    "skill:writing": ("scrittura", "writing"),
    "skill:mediation": ("mediazione", "mediation"),
    "skill:online_interaction": ("interazione online", "online interaction"),
    "method:self_declared": ("autodichiarazione", "self-declared"),
    "method:self_assessment": ("autovalutazione", "self-assessment"),
    "method:counsellor_observation": ("osservazione dell'operatore", "counsellor's observation"),
    "method:placement_test": ("test di piazzamento", "placement test"),
    "method:certificate": ("certificato", "certificate"),
    "milestone:long_term_permit": ("permesso UE per soggiornanti di lungo periodo", "EU long-term residence permit"),
    "milestone:citizenship": ("cittadinanza", "citizenship"),
    "milestone:integration_agreement": ("accordo di integrazione", "integration agreement"),
    "status:formally_evidenced": ("attestato formalmente", "formally evidenced"),
    "status:reached": ("raggiunto", "reached"),
    "status:not_reached": ("non raggiunto", "not reached"),
    "recognition:none": ("nessuno", "none"),
    "recognition:requested": ("richiesto", "requested"),
    "recognition:comparability_statement": ("attestato di comparabilità", "comparability statement"),
    "recognition:recognised": ("riconosciuto", "recognised"),
    "documents:available": ("Documenti disponibili", "Documents available"),
    "documents:partial": ("Documenti parziali", "Documents partly available"),
    "documents:none": ("Documenti non disponibili", "No documents"),
    "arrangement:formal": ("Lavoro regolare", "Formal employment"),
    "arrangement:informal": ("Lavoro informale", "Informal work"),
    "licence:valid": ("valida in Italia", "valid in Italy"),
    "licence:convertible": ("convertibile in Italia", "convertible in Italy"),
    "licence:not_valid": ("non valida in Italia", "not valid in Italy"),
    "licence:unknown": ("validità in Italia da verificare", "validity in Italy to be checked"),
    "cefr": ("Livelli QCER", "CEFR levels"),
    "milestones": ("Traguardi per l'italiano L2", "Italian L2 milestones"),
    "level": ("livello", "level"),
    "method": ("Metodo", "Method"),
    "latest": ("ultima valutazione", "latest assessment"),
    "isced": ("Livello ISCED 2011", "ISCED 2011 level"),
    "recognition": ("Riconoscimento in Italia", "Recognition in Italy"),
    "not_completed": ("Non completato", "Not completed"),
    "esco": ("Competenze (ESCO)", "Skills (ESCO)"),
    "licences": ("Patenti di guida", "Driving licences"),
    "valid_until": ("scadenza", "valid until"),
    "not_in_europass": ("categoria non prevista dal formato Europass", "category not in the Europass format"),
    "comment": (
        (
            "Estratto dal dossier delle competenze {id} ({date}). Questo XML non è firmato: "
            "per la verifica fa fede il dossier firmato."
        ),
        (
            "Extract of competence dossier {id} ({date}). This XML is not signed: "
            "the signed dossier is what a verifier should check."
        ),
    ),
}
LOCALES = ("it", "en")
