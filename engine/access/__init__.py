"""Who may open the dashboard: the login configuration, password throttling, the Host-header rule and
the OIDC account allow-list. Plain Python (no Streamlit), shared by `segroi dashboard` and the page gate;
see docs/access.md.

    login.py     what the secrets and environment configure, checked so that any doubt closes the door
    throttle.py  back-off after wrong passwords, per browser session and per server
    hosts.py     which Host headers the server answers (DNS rebinding), as an ASGI wrapper
    accounts.py  which signed-in e-mail addresses an OIDC login lets in
    routes.py    Streamlit endpoints the dashboard does not use, closed (file upload)
"""
