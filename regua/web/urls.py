from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from regua.web.views import customers, dashboard, history, holidays, notices, ranges, runs, users
from regua.web.views.waiting import waiting

urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard, name="dashboard"),
    path("entrar/", auth_views.LoginView.as_view(), name="login"),
    path("sair/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("clientes/", customers.customer_list, name="customers"),
    path("clientes/<int:pk>/", customers.customer_detail, name="customer"),
    path("clientes/<int:pk>/<str:tab>/", customers.customer_tab, name="customer_tab"),
    path("historico/exportar/<str:fmt>/", history.history_export, name="history_export"),
    path("cartas/<int:pk>/", notices.notice_detail, name="notice"),
    path("cartas/<int:pk>/pdf/", notices.notice_pdf, name="notice_pdf"),
    path("usuarios/", users.user_list, name="users"),
    path("usuarios/novo/", users.user_create, name="user_create"),
    path("usuarios/<int:pk>/", users.user_edit, name="user_edit"),
    path("emitir/", runs.run_new, name="run_new"),
    path("emitir/<int:pk>/", runs.run_detail, name="run"),
    path("emitir/<int:pk>/progresso/", runs.run_progress, name="run_progress"),
    path("revisao/", waiting("dunning.review_notices", "Revisão", "review"), name="review"),
    path("pendencias/", waiting("dunning.review_notices", "Pendências", "pending"), name="pending"),
    path("faixas/", ranges.range_list, name="ranges"),
    path("faixas/nova/", ranges.range_edit, name="range_add"),
    path("faixas/<int:pk>/", ranges.range_edit, name="range_edit"),
    path("faixas/<int:pk>/remover/", ranges.range_remove, name="range_remove"),
    path("feriados/", holidays.holiday_list, name="holidays"),
    path("feriados/<int:pk>/remover/", holidays.holiday_remove, name="holiday_remove"),
    path(
        "agendamentos/",
        waiting("delivery.manage_schedules", "Agendamentos", "schedules"),
        name="schedules",
    ),
    path("modelos/", waiting("letters.manage_templates", "Modelos", "templates"), name="templates"),
    path("importar/", waiting("receivables.import_data", "Importar", "import"), name="import"),
    path(
        "email/",
        waiting("delivery.configure_email", "Configurar e-mail para envio", "email"),
        name="email_settings",
    ),
]
