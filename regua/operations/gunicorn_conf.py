"""gunicorn's settings under `regua serve` (the command line gives bind, workers, timeouts)."""

import os

from regua.operations.logs import gunicorn_logconfig

wsgi_app = "regua.wsgi:application"
worker_class = "gthread"
accesslog = "-"
errorlog = "-"
# Who asked for what, how it ended and how long it took (microseconds).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'
logconfig_dict = gunicorn_logconfig(os.environ.get("REGUA_LOG_FORMAT") == "json")
# The request's own process name in each line.
proc_name = "regua-web"
# No control socket: several servers may run on one machine; the supervisor manages this one.
control_socket_disable = True
