"""What a column's name hints at: an ID, a phone number, a person, an address ..."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ID_WORDS = (
    frozenset({"id", "ids", "uuid", "guid", "pid", "sku", "bib"})  # 'bib': a runner's number
    | frozenset({"mrn"})  # a medical record number
    # written as one word: a survey's 'idno' (European Social Survey); 'caseid' and the like are
    # found by their parts (KEYED_WORDS)
    | frozenset({"idno", "idnr", "idnum"})
    | frozenset(
        # Japanese and Chinese: a number that names one member, customer, employee or order
        {"番号", "会員番号", "顧客番号", "社員番号", "注文番号", "编号", "客户编号", "订单号"}
    )
)
ID_LAST_WORDS = frozenset({"key", "code", "uid", "ref", "reference", "number", "no", "nr", "num"})
# A number named first, as French, Spanish, Italian and German names put it ('N° de dossier',
# 'Número de cliente', 'Nummer Kunde'); not English 'Number Employees', a count.
ID_FIRST_WORDS = frozenset({"numero", "numéro", "número", "nummer", "nr", "nro"})
# What a key written as one word names: 'unitid' (a college's), 'custno', 'orderkey', 'caseid'.
KEYED_WORDS = _words(
    "account acct branch case client company contract cust customer device emp employee event "
    "firm hh household inst institution invoice item loan member order patient person policy "
    "prod product provider record resp respondent school session shipment shop site store "
    "student subj subject supplier ticket trans transaction txn unit user vendor visit"
)
ONE_WORD_KEY_ENDINGS = ("id", "no", "nr", "num", "key")
# People a column of whole numbers named by one of these words alone ('student') keys.
KEYED_PEOPLE = _words(
    "agent applicant author buyer client cust customer doctor driver employee guest household "
    "instructor lecturer member nurse owner participant passenger patient person physician "
    "professor respondent reviewer seller student subject teacher user"
)
# Codes that name a place or a class rather than count something: 'Postal Code', 'MS.SubClass'.
POSTAL_WORDS = frozenset({"zip", "zipcode", "postal", "postcode", "plz", "郵便番号", "邮编"})
CODE_WORDS = POSTAL_WORDS | frozenset({"code", "class", "subclass", "type", "category", "cat"})
# Places a code names ('Country Code', 'state_fips'): shared by many rows and by no one person,
# so never the key of whose row it is.
PLACE_WORDS = _words(
    "continent country county district municipality nation province region state territory "
    "land pays pais país paese"
)
PHONE_WORDS = frozenset(
    {"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "phonenumber"}
    | {"電話", "電話番号", "携帯", "携帯番号", "电话", "手机"}
)
NATIONAL_ID_PHRASES = (
    ("ssn",),
    ("passport",),
    ("nino",),
    ("nationalid",),
    ("national", "id"),
    ("social", "security"),
    ("national", "insurance"),
    ("tax", "id"),
)
ADDRESS_WORDS = frozenset({"address", "addr", "street", "streetaddress", "住所", "地址"})
NOT_ADDRESS_WORDS = frozenset({"email", "mail", "ip", "mac", "web", "url", "wallet"})
PERSON_WORDS = _words(
    "name names firstname lastname surname forename fullname customer contact person client "
    "patient employee passenger agent owner member student teacher doctor "
    "physician nurse driver guest applicant buyer seller "
    # the same in the languages of common European exports (German, French, Spanish, Italian, Dutch)
    "kunde kundin vorname nachname nom prenom prénom nombre apellido cliente nome cognome klant "
    "naam achternaam kundenname familienname ansprechpartner inhaber "
    # Japanese and Chinese headers (a name, a customer's or member's name, a contact person)
    "氏名 名前 お名前 姓名 名字 苗字 フリガナ 顧客 顧客名 お客様 会員 会員名 患者 患者名 "
    "社員 従業員 担当者 担当者名 客户 客户名 顾客 会员 员工 联系人"
)
# People who serve the rows rather than those the rows are about: a booking's travel agent, a
# visit's doctor, a sale's clerk. A column of their names says whose work a row is, not whose.
STAFF_WORDS = _words(
    "agent broker cashier clerk dentist doctor driver interviewer manager nurse officer "
    "physician provider recruiter rep representative salesperson seller staff surgeon teacher "
    "therapist"
)
# Words of companies' names ('General Electric', 'HSBC Holdings', 'Toyota Motor'): a column
# called just 'name' where many values hold one names firms, not people.
COMPANY_WORDS = _words(
    "ag airlines bancorp bank capital chemical chemicals co communications company corp "
    "corporation electric energy financial gmbh group holding holdings inc industries insurance "
    "international intl llc ltd motor motors nv oil partners petroleum pharmaceuticals plc sa "
    "steel stores systems technologies telecom trust"
)
COMPANY_MIN_SHARE = 0.15  # of a column's values that hold one of them
# Names of things rather than people: 'Product Name', 'City', 'Customer Segment'.
NOT_PERSON_WORDS = _words(
    "account brand business category city class code company country county department district "
    "domain entity event file group host hospital hotel id item job level location model org "
    "organisation organization place product project region role school segment shop state "
    "status store street supplier team title town type vendor "
    # the same in German, French, Spanish, Italian and Dutch headers
    "artikel produkt ware strasse straße stadt ort gemeinde firma unternehmen marke article "
    "produit rue ville entreprise marque producto calle ciudad empresa marca prodotto via "
    "città azienda straat stad bedrijf"
)


def name_tokens(name: str) -> tuple[str, ...]:
    """Lower-case words of a column name: 'PassengerId' -> ('passenger', 'id'); the number
    sign of French, Spanish or Italian names as the word it stands for ('N° répondant' ->
    ('numero', 'répondant'))."""
    name = re.sub(r"(?i)\bn\s*[°º]\s*", "numero ", name)
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return tuple(word for word in re.split(r"[\W_]+", spaced.lower()) if word)


def has_word(tokens: tuple[str, ...], words: frozenset[str]) -> bool:
    return not words.isdisjoint(tokens)


def has_phrase(tokens: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(
        tokens[start : start + len(phrase)] == phrase
        for phrase in phrases
        for start in range(len(tokens))
    )


def is_id_name(tokens: tuple[str, ...]) -> bool:
    """Named like a key ('Order ID', 'Customer Key', 'SKU', 'N° répondant', 'Nummer Kunde'),
    but not like a postal code or the code of a place ('Country Code')."""
    named = bool(tokens) and (
        has_word(tokens, ID_WORDS)
        or tokens[-1] in ID_LAST_WORDS
        or (len(tokens) > 1 and tokens[0] in ID_FIRST_WORDS and tokens[1] != "of")
        or any(_one_word_key(token) for token in tokens)
    )
    return named and not has_word(tokens, POSTAL_WORDS | PLACE_WORDS)


def names_people(tokens: tuple[str, ...]) -> bool:
    """Named by a kind of person alone ('student', 'Patient'): whole numbers so named are their
    keys, as a count would be named in the plural ('students') or with what it counts."""
    return len(tokens) == 1 and tokens[0] in KEYED_PEOPLE


def _one_word_key(word: str) -> bool:
    """'unitid', 'custno', 'orderkey': a thing that keys name and an ID's ending, as one word;
    'schoolid1' too (one key column per wave or grade of a panel)."""
    word = word.rstrip("0123456789")
    return any(
        word.endswith(ending) and word[: -len(ending)] in KEYED_WORDS
        for ending in ONE_WORD_KEY_ENDINGS
    )
