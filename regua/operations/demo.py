"""A realistic, deterministic demo data set (``regua demo``).

Two branches of one distributor, a few hundred customers and a few thousand
títulos falling due from 90 days ago to 30 days ahead of ``today``, with the
awkward cases a real portfolio has: customers without e-mail or with several
billing addresses, customers and títulos marked "do not dun", partial
payments, paid and cancelled títulos, a never-dunned DESD code and boletos.
The same seed and day always give the same data.
"""

import datetime
import random
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.contrib.auth import get_user_model
from django.db import transaction

from regua.dunning.models import DelayRange, GenerationType
from regua.letters.models import LetterTemplate
from regua.receivables.boleto import bank_boleto
from regua.receivables.documents import cnpj_check_digits, cpf_check_digits, format_cnpj, format_cpf
from regua.receivables.models import Branch, CollectionType, Customer, Receivable

DEMO_USERNAME: Final = "demo"
SEED: Final = 1213  # WinThor's routine number

# (start, end, template, generation, name): the ranges a new installation starts with.
DEMO_RANGES: Final = (
    (-5, -1, 1, GenerationType.EMAIL, "Lembrete: vence em até 5 dias"),
    (1, 15, 1, GenerationType.EMAIL, "Atraso de 1 a 15 dias"),
    (16, 30, 2, GenerationType.EMAIL, "Atraso de 16 a 30 dias"),
    (31, 60, 2, GenerationType.EMAIL_AND_LETTER, "Atraso de 31 a 60 dias"),
    (61, 90, 3, GenerationType.EMAIL_AND_LETTER, "Atraso de 61 a 90 dias"),
)

# code: (description, bank code for boletos or "", share of the títulos)
_COLLECTIONS: Final = {
    "BK": ("BANCO - BOLETO", "001", 40),
    "237": ("BRADESCO", "237", 15),
    "341": ("ITAÚ", "341", 15),
    "C": ("CARTEIRA", "", 25),
    "DESD": ("DESDOBRAMENTO", "", 5),
}

_TRADES: Final = (
    "SUPERMERCADO", "PADARIA", "FARMÁCIA", "AÇOUGUE", "EMPÓRIO", "MERCEARIA", "BAR",
    "RESTAURANTE", "PAPELARIA", "AUTO PEÇAS", "MATERIAIS DE CONSTRUÇÃO", "DISTRIBUIDORA",
    "LANCHONETE", "HORTIFRUTI", "PET SHOP",
)  # fmt: skip
_NAMES: Final = (
    "SÃO JORGE", "BOA VISTA", "DOIS IRMÃOS", "IPÊ", "CENTRAL", "PRIMAVERA", "BOM PREÇO",
    "SANTA LUZIA", "NOVA ERA", "PÃO DE MEL", "TRÊS PODERES", "JARDIM", "ESTRELA", "AVENIDA",
    "CONCEIÇÃO", "PARAÍSO", "VILA RICA", "DO JOÃO", "DA ANA", "SOL NASCENTE",
)  # fmt: skip
_SUFFIXES: Final = ("LTDA", "ME", "EIRELI", "LTDA ME")
_PEOPLE: Final = (
    "MARIA DA SILVA", "JOSÉ SANTOS", "ANA OLIVEIRA", "JOÃO PEREIRA", "FRANCISCA SOUZA",
    "ANTÔNIO LIMA", "LUCIANA COSTA", "PAULO RODRIGUES", "SEBASTIÃO ALVES", "CLÁUDIA GOMES",
)  # fmt: skip
_CITIES: Final = (
    ("SÃO PAULO", "SP", "01"), ("CAMPINAS", "SP", "13"), ("SANTOS", "SP", "11"),
    ("GUARULHOS", "SP", "07"), ("SOROCABA", "SP", "18"), ("RIBEIRÃO PRETO", "SP", "14"),
    ("BELO HORIZONTE", "MG", "30"), ("CURITIBA", "PR", "80"), ("RIO DE JANEIRO", "RJ", "20"),
)  # fmt: skip
_STREETS: Final = (
    "RUA DAS FLORES", "AV. BRASIL", "RUA XV DE NOVEMBRO", "RUA SETE DE SETEMBRO",
    "AV. GETÚLIO VARGAS", "RUA TIRADENTES", "RUA DOM PEDRO II", "AV. DAS NAÇÕES",
)  # fmt: skip
_DISTRICTS: Final = ("CENTRO", "VILA NOVA", "JARDIM AMÉRICA", "SANTA CRUZ", "BELA VISTA")
_BLOCK_REASONS: Final = (
    "acordo de pagamento",
    "em negociação com o jurídico",
    "cliente em recuperação judicial",
)


@dataclass(frozen=True)
class DemoSummary:
    branches: int
    customers: int
    receivables: int
    ranges: int


def database_is_empty() -> bool:
    """No branch, customer or título yet: the demo may load."""
    return not (Branch.objects.exists() or Customer.objects.exists() or Receivable.objects.exists())


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def _cnpj(rnd: random.Random, branch: int = 1) -> str:
    base = f"{rnd.randrange(10**8):08d}{branch:04d}"
    return format_cnpj(base + cnpj_check_digits(base))


def _cpf(rnd: random.Random) -> str:
    base = f"{rnd.randrange(10**9):09d}"
    if len(set(base)) == 1:
        base = "123456789"
    return format_cpf(base + cpf_check_digits(base))


def _branches(rnd: random.Random) -> list[Branch]:
    root = f"{rnd.randrange(10**8):08d}"
    head = root + "0001"
    branch = root + "0002"
    return Branch.objects.bulk_create(
        [
            Branch(
                code="1",
                legal_name="DISTRIBUIDORA RÉGUA DEMONSTRAÇÃO LTDA",
                trade_name="Régua Distribuidora - Matriz",
                cnpj=format_cnpj(head + cnpj_check_digits(head)),
                address="Av. Paulista, 1000, 10º andar",
                district="Bela Vista",
                city="São Paulo",
                state="SP",
                zip_code="01310-100",
                phone="(11) 3000-1213",
                email="cobranca@regua-demo.example.com",
                pix_key="financeiro@regua-demo.example.com",
            ),
            Branch(
                code="2",
                legal_name="DISTRIBUIDORA RÉGUA DEMONSTRAÇÃO LTDA",
                trade_name="Régua Distribuidora - Campinas",
                cnpj=format_cnpj(branch + cnpj_check_digits(branch)),
                address="Rua Barão de Jaguara, 500",
                district="Centro",
                city="Campinas",
                state="SP",
                zip_code="13015-000",
                phone="(19) 3200-1213",
                email="campinas@regua-demo.example.com",
            ),
        ]
    )


def _collections() -> dict[str, CollectionType]:
    found = {c.code: c for c in CollectionType.objects.filter(code__in=list(_COLLECTIONS))}
    for code, (description, _, _) in _COLLECTIONS.items():
        if code not in found:
            found[code] = CollectionType.objects.create(
                code=code,
                description=description,
                dunnable=code != "DESD",
                fine_percent=Decimal("2.00") if code != "DESD" else None,
                monthly_interest_percent=Decimal("1.00") if code != "DESD" else None,
            )
    return found


def _customers(rnd: random.Random, count: int, today: datetime.date) -> list[Customer]:
    customers = []
    for n in range(count):
        code = str(10001 + n)
        person = rnd.random() < 0.15
        if person:
            name = f"{rnd.choice(_PEOPLE)} {n + 1}"
            document = _cpf(rnd)
        else:
            name = f"{rnd.choice(_TRADES)} {rnd.choice(_NAMES)} {rnd.choice(_SUFFIXES)}"
            document = _cnpj(rnd)
        domain = f"{_slug(name)}-{code}.example.com"
        city, state, zip_prefix = rnd.choice(_CITIES)
        draw = rnd.random()
        email, billing = f"contato@{domain}", ""
        if draw < 0.06:
            email = ""  # no e-mail at all: its notices are skipped (R7)
        elif draw < 0.20:
            billing = f"financeiro@{domain}; cobranca@{domain}"
        elif draw < 0.35:
            billing = f"financeiro@{domain}"
        customer = Customer(
            code=code,
            name=name,
            document=document,
            email=email,
            billing_email=billing,
            phone=f"({zip_prefix[:2]}) 3{rnd.randrange(1000):03d}-{rnd.randrange(10000):04d}",
            address=f"{rnd.choice(_STREETS)}, {rnd.randrange(1, 3000)}",
            district=rnd.choice(_DISTRICTS),
            city=city,
            state=state,
            zip_code=f"{zip_prefix}{rnd.randrange(1000):03d}-{rnd.randrange(1000):03d}",
        )
        if rnd.random() < 0.04:
            customer.do_not_dun = True
            customer.do_not_dun_reason = rnd.choice(_BLOCK_REASONS)
        customers.append(customer)
    # One payment promise, until a date: dunned again after it.
    promised = customers[7]
    promised.do_not_dun = True
    promised.do_not_dun_until = today + datetime.timedelta(days=20)
    promised.do_not_dun_reason = "promessa de pagamento"
    return Customer.objects.bulk_create(customers)


def _receivables(
    rnd: random.Random,
    today: datetime.date,
    branches: list[Branch],
    customers: list[Customer],
    collections: dict[str, CollectionType],
) -> int:
    codes = list(_COLLECTIONS)
    weights = [share for _, _, share in _COLLECTIONS.values()]
    rows = []
    document = 400000
    for customer in customers:
        for _ in range(rnd.randint(3, 17)):
            document += 1
            branch = branches[0] if rnd.random() < 0.7 else branches[1]
            code = rnd.choices(codes, weights)[0]
            installments = rnd.choice((1, 1, 2, 3))
            first_due = today + datetime.timedelta(days=rnd.randint(-90, 30))
            issue = first_due - datetime.timedelta(days=rnd.randint(15, 45))
            for installment in range(1, installments + 1):
                due = first_due + datetime.timedelta(days=30 * (installment - 1))
                if due > today + datetime.timedelta(days=30):
                    break
                amount = Decimal(rnd.randint(8000, 800000)) / 100
                receivable = Receivable(
                    branch=branch,
                    customer=customer,
                    document=str(document),
                    installment=str(installment),
                    issue_date=issue,
                    due_date=due,
                    amount=amount,
                    collection=collections[code],
                    our_number=f"{document:08d}{installment:03d}",
                )
                draw = rnd.random()
                if draw < 0.15:
                    if due <= today + datetime.timedelta(days=5):  # paid, some early
                        receivable.paid_amount = amount
                        receivable.paid_date = min(
                            today, due + datetime.timedelta(days=rnd.randint(-3, 5))
                        )
                elif draw < 0.23:
                    if due <= today:  # partially paid
                        part = Decimal(rnd.randint(20, 80)) / 100
                        receivable.paid_amount = (amount * part).quantize(Decimal("0.01"))
                        receivable.paid_date = min(
                            today, due + datetime.timedelta(days=rnd.randint(0, 10))
                        )
                elif draw < 0.26:
                    receivable.cancelled = True
                elif draw < 0.27:
                    receivable.do_not_dun = True
                    receivable.do_not_dun_reason = "título em cartório de protesto"
                bank = _COLLECTIONS[code][1]
                if bank:
                    free = f"{rnd.randrange(10**25):025d}"
                    made = bank_boleto(bank, due, amount, free)
                    receivable.barcode, receivable.digitable_line = (
                        made.barcode,
                        made.formatted_line,
                    )
                rows.append(receivable)
    Receivable.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def ensure_delay_ranges() -> int:
    """The five starting ranges, when there are none yet; returns how many were created."""
    if DelayRange.objects.exists():
        return 0
    templates = {t.number: t for t in LetterTemplate.objects.filter(number__in=[1, 2, 3])}
    if len(templates) < 3:
        return 0  # the letters' migration seeds them; without it there is nothing to use
    DelayRange.objects.bulk_create(
        DelayRange(
            start_day=start,
            end_day=end,
            template=templates[number],
            generation=generation,
            name=name,
        )
        for start, end, number, generation, name in DEMO_RANGES
    )
    return len(DEMO_RANGES)


@transaction.atomic
def load_demo(today: datetime.date, seed: int = SEED, customers: int = 300) -> DemoSummary:
    """Create the demo data set; call it on an empty database (see database_is_empty)."""
    rnd = random.Random(seed)
    branches = _branches(rnd)
    collections = _collections()
    people = _customers(rnd, customers, today)
    receivables = _receivables(rnd, today, branches, people, collections)
    ranges = ensure_delay_ranges()
    return DemoSummary(len(branches), len(people), receivables, ranges)


def set_demo_user(password: str | None = None) -> tuple[str, str]:
    """The demo superuser, created or given a new password; returns (username, password)."""
    password = password or secrets.token_urlsafe(9)
    model = get_user_model()
    user = model.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        model.objects.create_superuser(DEMO_USERNAME, "demo@example.com", password)
    else:
        user.set_password(password)
        user.is_active = user.is_staff = user.is_superuser = True
        user.save()
    return DEMO_USERNAME, password
