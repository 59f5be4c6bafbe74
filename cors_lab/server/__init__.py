"""What answers HTTP in the lab: lab servers and their request log (`lab`), the Flask glue that makes an app
answer with a `CorsPolicy` (`flask_policy`), the ready-made apps of the lessons (`apps`) and the proxies (`proxy`).

Learners reach all of it through `cors_lab` itself (`serve`, `api_app`, `dev_proxy`, ...)."""
