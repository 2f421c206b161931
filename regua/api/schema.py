"""The OpenAPI 3.1 description of /api/v1, written by hand next to the views it describes.

A test holds it and regua/api/urls.py in step: every route is described, and
nothing is described that does not exist.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from regua.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from regua.dunning.models import NoticeStatus

SKIP_REASONS = [
    "collection_not_dunnable",
    "receivable_blocked",
    "customer_blocked",
    "already_sent",
    "below_minimum",
    "min_interval",
]
RECEIVABLE_COLUMNS = [
    "branch",
    "document",
    "installment",
    "customer",
    "issue_date",
    "due_date",
    "amount",
    "paid_amount",
    "paid_date",
    "collection",
    "digitable_line",
    "barcode",
    "our_number",
    "cancelled",
    "blocked",
    "blocked_until",
    "blocked_reason",
]
PAYMENT_COLUMNS = ["branch", "document", "installment", "paid_amount", "paid_date"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_of(name: str) -> dict[str, Any]:
    return {
        "allOf": [
            _ref("Page"),
            {"type": "object", "properties": {"results": {"type": "array", "items": _ref(name)}}},
        ]
    }


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path_id(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer"},
    }


# The answers every authenticated endpoint may give besides its own.
_COMMON = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
}
_PAGING = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/page_size"},
]


def _money() -> dict[str, Any]:
    return {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["123.45"]}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _cell() -> dict[str, Any]:
    return {"type": ["string", "number", "boolean", "null"]}


def _import_operation(kind: str, row: str, summary: str, snapshot: bool) -> dict[str, Any]:
    parameters = (
        [
            _query(
                "snapshot",
                "1: carga completa — o arquivo lista todos os títulos em aberto das filiais "
                "que contém; os dessas filiais que não constam são baixados (nunca apagados).",
                {"type": "integer", "enum": [0, 1], "default": 0},
            )
        ]
        if snapshot
        else []
    )
    return {
        "operationId": f"import_{kind}",
        "summary": summary,
        "description": "Permissão: receivables.import_data. O mesmo motor de "
        f"`regua import {kind}`: tudo ou nada — com uma linha inválida, nada é gravado "
        "e a resposta (400) lista cada erro com linha, coluna e valor.",
        "parameters": parameters,
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": _ref(row)}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "contentMediaType": "application/octet-stream",
                                "description": "CSV (, ou ;, UTF-8 ou Windows-1252) ou XLSX.",
                            }
                        },
                    }
                },
            },
        },
        "responses": {
            "200": _json(_ref("ImportResult"), "Importado."),
            "400": _json(_ref("ImportRefused"), "Nada foi gravado."),
            "413": {"$ref": "#/components/responses/TooLarge"},
            "415": _json(_ref("Error"), "Envie application/json ou multipart/form-data."),
            **_COMMON,
        },
    }


def _range() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["start", "end"],
        "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}},
    }


COMPONENTS: dict[str, Any] = {
    "securitySchemes": {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "Token criado com `regua tokens create --user NOME`; "
            "cada chamada vale pelas permissões desse usuário.",
        }
    },
    "parameters": {
        "page": {
            "name": "page",
            "in": "query",
            "required": False,
            "description": "Página, a partir de 1; além da última, a lista vem vazia.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        "page_size": {
            "name": "page_size",
            "in": "query",
            "required": False,
            "description": f"Itens por página (máximo {MAX_PAGE_SIZE}).",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE_SIZE,
                "default": DEFAULT_PAGE_SIZE,
            },
        },
    },
    "responses": {
        "BadRequest": _json(_ref("Error"), "Requisição inválida (a mensagem diz o que e onde)."),
        "Unauthorized": _json(
            _ref("Error"), "Token ausente, inválido ou revogado, ou usuário inativo."
        ),
        "Forbidden": _json(_ref("PermissionError"), "O usuário do token não tem a permissão."),
        "NotFound": _json(_ref("Error"), "Não encontrado."),
        "TooLarge": _json(_ref("Error"), "Corpo da requisição grande demais."),
    },
    "schemas": {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string", "description": "Mensagem em português."}},
        },
        "PermissionError": {
            "type": "object",
            "required": ["error", "permission"],
            "properties": {
                "error": {"type": "string"},
                "permission": {
                    "type": "string",
                    "description": "A permissão que falta, app_label.codename.",
                    "examples": ["dunning.view_history"],
                },
            },
        },
        "Page": {
            "type": "object",
            "required": ["count", "page", "page_size", "pages", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Total de itens em todas as páginas."},
                "page": {"type": "integer"},
                "page_size": {"type": "integer"},
                "pages": {"type": "integer"},
                "results": {"type": "array"},
            },
        },
        "Run": {
            "type": "object",
            "description": "Uma emissão: quem, quando, filtros e contagens. "
            "Suas cartas: GET /api/v1/notices?run=ID.",
            "required": ["id", "date", "created_at", "user", "filters", "group"],
            "properties": {
                "id": {"type": "integer"},
                "date": {"type": "string", "format": "date"},
                "created_at": {"type": "string", "format": "date-time"},
                "finished_at": _nullable({"type": "string", "format": "date-time"}),
                "interrupted_at": _nullable({"type": "string", "format": "date-time"}),
                "user": {"type": "string"},
                "filters": {"type": "object"},
                "group": {"type": "string", "enum": ["customer", "receivable"]},
                "candidates": {"type": "integer"},
                "notices": {"type": "integer"},
                "sent": {"type": "integer"},
                "held": {"type": "integer"},
                "skipped": {"type": "integer"},
                "failed": {"type": "integer"},
            },
        },
        "NoticeReceivable": {
            "type": "object",
            "required": [
                "branch",
                "document",
                "installment",
                "days_overdue",
                "range",
                "balance",
            ],
            "properties": {
                "branch": {"type": "string"},
                "document": {"type": "string"},
                "installment": {"type": "string"},
                "days_overdue": {"type": "integer"},
                "range": _range(),
                "balance": _money(),
            },
        },
        "Notice": {
            "type": "object",
            "description": "Uma carta de cobrança, no formato de `regua run --json`.",
            "required": [
                "id",
                "branch",
                "customer",
                "status",
                "reason",
                "range",
                "template",
                "generation",
                "recipients",
                "receivables",
            ],
            "properties": {
                "id": _nullable({"type": "integer"}),
                "branch": {"type": "string"},
                "customer": {"type": "string"},
                "status": {"type": "string", "enum": list(NoticeStatus.values)},
                "reason": _nullable({"type": "string", "examples": ["no_email"]}),
                "range": {
                    "type": "object",
                    "required": ["id", "start", "end"],
                    "properties": {
                        "id": {"type": "integer"},
                        "start": {"type": "integer"},
                        "end": {"type": "integer"},
                    },
                },
                "template": {"type": "integer", "enum": [1, 2, 3]},
                "generation": {"type": "string", "enum": ["email", "email_and_letter"]},
                "recipients": {"type": "array", "items": {"type": "string"}},
                "channels": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["email", "letter"]},
                    "description": "Por onde a carta vai: e-mail, carta postada ou os dois.",
                },
                "receivables": {"type": "array", "items": _ref("NoticeReceivable")},
            },
        },
        "RunRequest": {
            "type": "object",
            "description": "As opções de `regua run`; todas opcionais.",
            "additionalProperties": False,
            "properties": {
                "date": {
                    "type": "string",
                    "format": "date",
                    "description": "Data de referência (padrão: hoje).",
                },
                "due_from": {"type": "string", "format": "date"},
                "due_to": {"type": "string", "format": "date"},
                "issued_from": {"type": "string", "format": "date"},
                "issued_to": {"type": "string", "format": "date"},
                "collection": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Códigos de cobrança (CODCOB).",
                },
                "customer": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Códigos de cliente.",
                },
                "branch": {"type": "string", "description": "Código da filial."},
                "group": {
                    "type": "string",
                    "enum": ["customer", "receivable"],
                    "default": "customer",
                },
                "dry_run": {
                    "type": "boolean",
                    "default": False,
                    "description": "Mostra o que seria feito, sem gravar nada.",
                },
            },
        },
        "SkippedReceivable": {
            "type": "object",
            "required": ["branch", "document", "installment", "customer", "reason"],
            "properties": {
                "branch": {"type": "string"},
                "document": {"type": "string"},
                "installment": {"type": "string"},
                "customer": {"type": "string"},
                "reason": {"type": "string", "enum": SKIP_REASONS},
            },
        },
        "RunResult": {
            "type": "object",
            "description": "O objeto que `regua run --json` imprime. Numa simulação, "
            "run e o id de cada carta são null.",
            "required": ["run", "date", "dry_run", "notices", "skipped"],
            "properties": {
                "run": _nullable({"type": "integer"}),
                "date": {"type": "string", "format": "date"},
                "dry_run": {"type": "boolean"},
                "notices": {"type": "array", "items": _ref("Notice")},
                "skipped": {"type": "array", "items": _ref("SkippedReceivable")},
            },
        },
        "ReceivableRow": {
            "type": "object",
            "description": "Um título com os cabeçalhos canônicos da importação "
            "(os nomes do WinThor também valem). Uma chave ausente mantém o valor gravado; "
            "todas as linhas devem trazer as mesmas chaves.",
            "required": ["branch", "document", "installment", "customer", "due_date", "amount"],
            "properties": {name: _cell() for name in RECEIVABLE_COLUMNS},
        },
        "PaymentRow": {
            "type": "object",
            "description": "O total pago até agora de um título e a data, como o ERP informa "
            "(não um incremento: enviar duas vezes não muda nada).",
            "required": ["branch", "document", "installment", "paid_amount"],
            "properties": {name: _cell() for name in PAYMENT_COLUMNS},
        },
        "ImportProblem": {
            "type": "object",
            "required": ["row", "column", "value", "message", "text"],
            "properties": {
                "row": _nullable(
                    {
                        "type": "integer",
                        "description": "Em JSON, a posição na lista (a partir de 1); "
                        "num arquivo, a linha da planilha (o cabeçalho é a linha 1).",
                    }
                ),
                "column": {"type": "string"},
                "value": {"type": "string"},
                "message": {"type": "string"},
                "text": {"type": "string", "description": "Tudo numa frase, em português."},
            },
        },
        "ImportResult": {
            "type": "object",
            "required": ["kind", "committed", "summary", "rows", "errors"],
            "properties": {
                "kind": {"type": "string", "enum": ["receivables", "payments"]},
                "snapshot": {"type": "boolean"},
                "committed": {
                    "type": "boolean",
                    "description": "false: nada foi gravado (veja errors).",
                },
                "summary": {"type": "string"},
                "rows": {"type": "integer"},
                "created": {"type": "integer"},
                "updated": {"type": "integer"},
                "unchanged": {"type": "integer"},
                "settled": {
                    "type": "integer",
                    "description": "Títulos baixados por não constarem da carga completa.",
                },
                "error_count": {"type": "integer"},
                "errors": {"type": "array", "items": _ref("ImportProblem")},
                "warning_count": {"type": "integer"},
                "warnings": {"type": "array", "items": _ref("ImportProblem")},
                "ignored_columns": {"type": "array", "items": {"type": "string"}},
            },
        },
        "ImportRefused": {
            "allOf": [_ref("Error"), _ref("ImportResult")],
            "description": "Alguma linha é inválida: nada foi gravado.",
        },
        "Pause": {
            "type": "object",
            "description": "Uma suspensão da cobrança (não cobrar até) definida no Régua, "
            "como `regua pause list --json` a mostra.",
            "required": ["id", "customer", "receivable", "until", "reason", "in_force"],
            "properties": {
                "id": {"type": "integer"},
                "customer": {"type": "string", "description": "Código do cliente."},
                "receivable": _nullable(
                    {
                        "type": "object",
                        "description": "O título suspenso; null quando é o cliente inteiro.",
                        "properties": {
                            "branch": {"type": "string"},
                            "document": {"type": "string"},
                            "installment": {"type": "string"},
                        },
                    }
                ),
                "until": _nullable({"type": "string", "format": "date"}),
                "reason": {
                    "type": "string",
                    "enum": ["agreement", "promise", "protest", "dispute"],
                },
                "reason_label": {"type": "string"},
                "note": {"type": "string"},
                "created_by": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "lifted_by": _nullable({"type": "string"}),
                "lifted_at": _nullable({"type": "string", "format": "date-time"}),
                "in_force": {"type": "boolean"},
            },
        },
        "Range": {
            "type": "object",
            "description": "Uma faixa de atraso, como `regua ranges list --json` a mostra.",
            "required": [
                "id",
                "name",
                "start",
                "end",
                "template",
                "generation",
                "min_balance",
                "boleto",
                "active",
                "template_b",
                "share",
            ],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "start": {"type": "integer"},
                "end": {"type": "integer"},
                "template": {"type": "integer"},
                "generation": {"type": "string", "enum": ["email", "email_and_letter"]},
                "min_balance": _money(),
                "boleto": {"type": "boolean"},
                "active": {"type": "boolean"},
                "template_b": _nullable(
                    {"type": "integer", "description": "Teste A/B: o segundo modelo da faixa."}
                ),
                "share": _nullable(
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 99,
                        "description": "Teste A/B: porcentagem de clientes no modelo B.",
                    }
                ),
            },
        },
        "RangeRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["start", "end", "template", "generation"],
            "properties": {
                "start": {"type": "integer", "description": "Primeiro dia (negativo: antes)."},
                "end": {"type": "integer"},
                "template": {"type": "integer", "description": "Número do modelo."},
                "generation": {"type": "string", "enum": ["email", "email_and_letter"]},
                "name": {"type": "string"},
                "min_balance": _money(),
                "boleto": {"type": "boolean"},
                "active": {"type": "boolean"},
                "template_b": _nullable({"type": "integer"}),
                "share": _nullable({"type": "integer", "minimum": 1, "maximum": 99}),
            },
            "description": "template_b e share juntos fazem um teste A/B: cada cliente é "
            "sorteado uma vez para o modelo B (share por cento) ou o da faixa, e mantido.",
        },
        "PauseRequest": {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "customer": {"type": "string", "description": "Código do cliente (ou receivable)."},
                "receivable": {
                    "type": "string",
                    "description": "Título como FILIAL/DUPLICATA/PRESTAÇÃO (ou customer).",
                },
                "until": _nullable(
                    {
                        "type": "string",
                        "format": "date",
                        "description": "Não cobrar até (inclusive).",
                    }
                ),
                "reason": {
                    "type": "string",
                    "description": "agreement, promise, protest ou dispute (ou o nome em português).",
                },
                "note": {"type": "string", "maxLength": 200},
            },
        },
        "NoticeHistory": {
            "description": "Uma carta como `regua history --json` a mostra.",
            "allOf": [
                _ref("Notice"),
                {
                    "type": "object",
                    "required": ["created_at", "sent_at", "user"],
                    "properties": {
                        "created_at": {"type": "string", "format": "date-time"},
                        "sent_at": _nullable({"type": "string", "format": "date-time"}),
                        "user": {"type": "string"},
                        "posted_at": _nullable({"type": "string", "format": "date-time"}),
                    },
                },
            ],
        },
    },
}


def _paths() -> dict[str, Any]:
    return {
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "Este documento.",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "O esquema OpenAPI 3.1.")},
            }
        },
        "/api/v1/runs": {
            "get": {
                "operationId": "listRuns",
                "summary": "Lista as emissões, da mais recente à mais antiga.",
                "description": "Permissão: dunning.run_dunning.",
                "parameters": _PAGING,
                "responses": {
                    "200": _json(_page_of("Run"), "Uma página de emissões."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **_COMMON,
                },
            },
            "post": {
                "operationId": "createRun",
                "summary": "Emitir: seleciona, grava as cartas e as deixa para os workers enviarem.",
                "description": "Permissão: dunning.run_dunning. O mesmo que "
                "`regua run --no-wait --json`: as cartas de e-mail ficam pendentes até "
                'um worker entregá-las; as de "Email e Carta" aguardam revisão.',
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": _ref("RunRequest")}},
                },
                "responses": {
                    "201": {
                        **_json(_ref("RunResult"), "Emissão gravada."),
                        "headers": {
                            "Location": {
                                "description": "/api/v1/runs/{id} da nova emissão.",
                                "schema": {"type": "string"},
                            }
                        },
                    },
                    "200": _json(_ref("RunResult"), "Simulação (dry_run): nada foi gravado."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "413": {"$ref": "#/components/responses/TooLarge"},
                    **_COMMON,
                },
            },
        },
        "/api/v1/runs/{run_id}": {
            "get": {
                "operationId": "getRun",
                "summary": "Uma emissão.",
                "description": "Permissão: dunning.run_dunning.",
                "parameters": [_path_id("run_id", "Id da emissão.")],
                "responses": {
                    "200": _json(_ref("Run"), "A emissão."),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **_COMMON,
                },
            }
        },
        "/api/v1/notices": {
            "get": {
                "operationId": "listNotices",
                "summary": "Lista as cartas, da mais recente à mais antiga.",
                "description": "Permissão: dunning.view_history.",
                "parameters": [
                    _query(
                        "status",
                        "Só as cartas nesta situação.",
                        {"type": "string", "enum": list(NoticeStatus.values)},
                    ),
                    _query("customer", "Só as cartas deste cliente (código)."),
                    _query("run", "Só as cartas desta emissão (id).", {"type": "integer"}),
                    *_PAGING,
                ],
                "responses": {
                    "200": _json(_page_of("NoticeHistory"), "Uma página de cartas."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **_COMMON,
                },
            }
        },
        "/api/v1/notices/{notice_id}": {
            "get": {
                "operationId": "getNotice",
                "summary": "Uma carta.",
                "description": "Permissão: dunning.view_history.",
                "parameters": [_path_id("notice_id", "Id da carta.")],
                "responses": {
                    "200": _json(_ref("NoticeHistory"), "A carta."),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **_COMMON,
                },
            }
        },
        "/api/v1/history": {
            "get": {
                "operationId": "history",
                "summary": "Hist. Cobrança de um cliente ou de um título, do mais recente ao mais antigo.",
                "description": "Permissão: dunning.view_history. O mesmo que `regua history --json`.",
                "parameters": [
                    _query("customer", "Código do cliente."),
                    _query(
                        "receivable", "Título como FILIAL/DUPLICATA/PRESTAÇÃO, ex.: 1/123456/2."
                    ),
                    *_PAGING,
                ],
                "responses": {
                    "200": _json(_page_of("NoticeHistory"), "Uma página do histórico."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **_COMMON,
                },
            }
        },
        "/api/v1/receivables": {
            "post": _import_operation(
                "receivables",
                "ReceivableRow",
                "Inclui ou atualiza títulos (filial + duplicata + prestação).",
                snapshot=True,
            )
        },
        "/api/v1/payments": {
            "post": _import_operation(
                "payments", "PaymentRow", "Registra o total pago de títulos.", snapshot=False
            )
        },
        "/api/v1/pauses": {
            "get": {
                "operationId": "listPauses",
                "summary": "Suspensões da cobrança em vigor hoje, da mais recente à mais antiga.",
                "description": "Permissão: dunning.view_history. O mesmo que "
                "`regua pause list --json`.",
                "parameters": [
                    _query("all", "1: também as retiradas e as vencidas.", {"type": "integer"}),
                    *_PAGING,
                ],
                "responses": {
                    "200": _json(_page_of("Pause"), "Uma página de suspensões."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **_COMMON,
                },
            },
            "post": {
                "operationId": "createPause",
                "summary": "Suspende a cobrança de um cliente ou de um título (não cobrar até).",
                "description": "Permissão: dunning.run_dunning. Uma nova suspensão substitui "
                "a que estava em vigor; a importação nunca a retira.",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("PauseRequest")}},
                },
                "responses": {
                    "201": _json(_ref("Pause"), "Suspensão gravada."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **_COMMON,
                },
            },
        },
        "/api/v1/ranges": {
            "get": {
                "operationId": "listRanges",
                "summary": "As faixas de atraso, da primeira à última.",
                "description": "Permissão: dunning.manage_ranges. O mesmo que "
                "`regua ranges list --json`.",
                "parameters": [*_PAGING],
                "responses": {
                    "200": _json(_page_of("Range"), "Uma página de faixas."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **_COMMON,
                },
            },
            "post": {
                "operationId": "createRange",
                "summary": "Cadastra uma faixa de atraso (R3), com ou sem teste A/B de modelos.",
                "description": "Permissão: dunning.manage_ranges. O mesmo que "
                "`regua ranges add`; uma faixa ativa não pode ter dias em comum com outra.",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("RangeRequest")}},
                },
                "responses": {
                    "201": _json(_ref("Range"), "Faixa gravada."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    **_COMMON,
                },
            },
        },
        "/api/v1/pauses/{pause_id}/lift": {
            "post": {
                "operationId": "liftPause",
                "summary": "Retira uma suspensão da cobrança.",
                "description": "Permissão: dunning.run_dunning.",
                "parameters": [_path_id("pause_id", "Id da suspensão.")],
                "responses": {
                    "200": _json(_ref("Pause"), "A suspensão, agora retirada."),
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "409": _json(_ref("Error"), "A suspensão já tinha sido retirada."),
                    **_COMMON,
                },
            }
        },
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Régua API",
            "version": "1",
            "description": "Emissões, cartas, histórico de cobrança e carga de títulos e "
            "pagamentos para integrações. Autenticação: Authorization: Bearer <token>. "
            "Cada chamada exige a mesma permissão que a tela ou o comando correspondente; "
            'erros vêm como {"error": "mensagem"}, em português.',
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": COMPONENTS,
    }


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    """The schema is public: it tells how to call the API, not what is in it."""
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
