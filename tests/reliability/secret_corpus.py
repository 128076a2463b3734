"""A corpus of secrets as they turn up in requirement text, logs and pasted configuration.

Plain data, no imports from the test suite, so any test can load it (also under
`--import-mode=importlib`):

* ``SECRETS``: kind -> a sample text that contains one secret of that kind (often with a label
  and surrounding prose, the way a user would paste it);
* ``CORES``: kind -> the substrings that must not survive redaction (the secret values, never the
  labels around them); ``cores(sample_or_kind)`` looks them up by sample text or by kind;
* ``JSONISH``: the kinds whose sample is (or embeds) a JSON / dict-like key-value pair;
* ``ORDINARY``: architecture requirement sentences that must pass through the redactor unchanged.

Every value is fake: random characters in the vendor's published shape, or the vendors' own
documentation examples (AKIAIOSFODNN7EXAMPLE, 4111 1111 1111 1111, GB82 WEST 1234 5698 7654 32).
"""

from __future__ import annotations

_OPENSSH_BODY = (
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "V19YjwH5SAMR3n5/OFwEToCqP4fgUkO0n1TXFjEqATzDK9rDSQm6YEF3yqKlqqJmSiF80A==\n"
    "7Tz37D8VY/mM/T+/SUmTIewzwQfVa5QoU4qsqXAPEV0EHKLlcod1NxHKQ2GcRwdJS7yeiA==\n"
    "vTaixAH8s36MKE4FCwkTdJ+gGwqV1CXN8r2KSvxwhOvXsEqoo2he3bKAHH7UmrITfavNrQ=="
)
_PGP_BODY = (
    "lQOYBGVgq3UBCADJ8xkq0n8sV1Yz2xX9Qn1m5uG0m7bW4v3kq7cP2yT9rZ6w8sN1\n"
    "r65C+Yx8pk4xBxEktpEy/V/wtJf3ruj8neJEiBT3UeuFVaSxgh3Y6yfoPbu0SeLE\n"
    "VZvd77xLB/7jH6vAppjmuTFkXR5KYuugw/ysrp25CB0B1IsO+0rNYjDjpfOkKThq\n"
    "h6WezOOevhH7NKaX2waX+pjwbiSsMxqcnl6SZW4zQL6qjad1wNvYyi2zEW8UW7Zu\n"
    "=T4gZ"
)
_RSA_BODY = (
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK"
)
_PUTTY_PRIVATE = (
    "AaZrnrRgRghYAW4p2rvGxQGo89lwe+yr+E2eJFchlLRc6T5qO4rWIZFJ+kmnfgEYxqa0yvRAbeQ+PrRq"
)
_SAS_SIG = "KdT1jfRllI62QUOBIwNJtGTrE3FpMD95ei64B2IbY3U%3D"
_ATLASSIAN = (
    "ATATT3xFfGF0SSIoEYdZAbRc7UnRee7ZUZL3R7yonRit_EcMbdDHwgzdkNGdXE0hKpyLwteGSDUztdF-Y4LP7VtU3D-2hPMlTQQdf"
    "DaS36bfuKgbqIAawaliojJXZiAjEXbUseepbruei7HItOmrv3ARNR2FAwaVpZbrEKa5Sgy2awReQyI8Mj8YCHNBCv9c=WQ615EUS"
)
_FCM = (
    "AAAAPYuXPl8:APA91bSUEnSFpIHJSwaUYQ0XTr1fX5rAPRMVTcbkfUzTrR7E0xokHcwJLkEQBhdbV1fqO5WKCSOgwBgD83-K69-HXTI2"
    "JcbKvDlQxgmUpRNTj3Zg2-2crD97K_3LNV2kuovN-NSMc4os"
)
_FACEBOOK = (
    "EAABBsXnXjEiJoB5cGwSJuPZYt4x6psy5I5c5X09jPxsM8mwkva76FWLI2dfgnvSyjyzWKM0Ma1fY2pBPa24RYF7GEyLyQac6O9YSqAg"
    "Cja1NRJxMsBzPfKopmKP"
)

# kind -> (sample text, the substrings that must not survive)
_ENTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    # --- cloud providers ---------------------------------------------------------------------------
    "aws_access_key_id": ("Deploy user key id AKIAIOSFODNN7EXAMPLE, region eu-west-1", ("AKIAIOSFODNN7EXAMPLE",)),
    "aws_secret_key_assignment": ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                  ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",)),
    "aws_secret_key_free_text": ("the aws secret key je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY is in the runbook",
                                 ("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",)),
    "aws_secret_access_key_is": ("Our AWS secret access key is Zq4m8Rt2Vx7N/bK3pL9sW1cY6hF0dJ5gE+aTuQoi",
                                 ("Zq4m8Rt2Vx7N/bK3pL9sW1cY6hF0dJ5gE+aTuQoi",)),
    "azure_storage_connection_string": (
        "DefaultEndpointsProtocol=https;AccountName=archwrightprod;AccountKey=wHaYUBMvV2Bbb1KkOvndHLhWUXR1OHM36HBEEitK"
        "28yUGuZ2MUVPdnJzpkWrrjLSvv6iAL6uH6PRiFvfahetHg==;EndpointSuffix=core.windows.net",
        ("wHaYUBMvV2Bbb1KkOvndHLhWUXR1OHM36HBEEitK28yUGuZ2MUVPdnJzpkWrrjLSvv6iAL6uH6PRiFvfahetHg==",
         "wHaYUBMvV2Bbb1KkOvndHLhWUXR1OHM36HBEEitK")),
    "azure_sas_token": (
        "Upload with https://archwright.blob.core.windows.net/exports/report.pdf?sv=2022-11-02&ss=b&srt=sco&sp=rl"
        f"&se=2026-12-31T00:00:00Z&st=2026-11-24&spr=https&sig={_SAS_SIG} before Friday",
        (_SAS_SIG, "KdT1jfRllI62QUOBIwNJtGTrE3FpMD95ei64B2IbY3U")),
    "azure_service_bus_connection_string": (
        "Endpoint=sb://archwright-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
        "SharedAccessKey=7T8O8+7qnZrQduc1L96kVxYT9WWZlfwlXkGFBk3hTAI=",
        ("7T8O8+7qnZrQduc1L96kVxYT9WWZlfwlXkGFBk3hTAI",)),
    "azure_event_hub_connection_string": (
        "Endpoint=sb://telemetry-ns.servicebus.windows.net/;SharedAccessKeyName=send;"
        "SharedAccessKey=7WPKL/jHpYqxRHjyeqoA4ELbRbplckELIA/qt+bNvzY=;EntityPath=rides",
        ("7WPKL/jHpYqxRHjyeqoA4ELbRbplckELIA/qt+bNvzY",)),
    "azure_ad_client_secret": ("App registration secret value: jNz8Q~A5iThxlDcDYexi.-s7YEcrj7ZbEKV.vl8y",
                               ("jNz8Q~A5iThxlDcDYexi.-s7YEcrj7ZbEKV.vl8y",)),
    "google_api_key": ("Maps key AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI for the web client",
                       ("AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",)),
    "google_oauth_client_secret": ("client id 1234.apps.googleusercontent.com with 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",
                                   ("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",)),
    "google_oauth_access_token": (
        "curl -H 'X-Goog-Token ya29.a0z_Yyj1v3X_n7e90me_BU-vs7PeHZXTPlblrJE3jAe4haR7K8XyZCB6IAUUJc' ...",
        ("ya29.a0z_Yyj1v3X_n7e90me_BU-vs7PeHZXTPlblrJE3jAe4haR7K8XyZCB6IAUUJc",)),
    "google_oauth_refresh_token": ("refresh with 1//0gTa-RXcrzEBZshBfTf39VMBlMJzjtPrcWC3f5fMqI when it expires",
                                   ("1//0gTa-RXcrzEBZshBfTf39VMBlMJzjtPrcWC3f5fMqI",)),
    "firebase_fcm_server_key": (f"FCM legacy server key {_FCM}", (_FCM,)),
    "digitalocean_token": ("doctl auth init -t dop_v1_f5dcf2d502e1d38953d0e68d55b82e0a4ae595c073d6e2aa25bc97d88d58b649",
                           ("dop_v1_f5dcf2d502e1d38953d0e68d55b82e0a4ae595c073d6e2aa25bc97d88d58b649",)),
    "heroku_api_key": ("heroku token HRKU-AAf9PunlCmjzNKZNNHLFriCv-FXVKkQP9ZiGBO6HeBwUmTo4DqIOJQMN6O2c",
                       ("HRKU-AAf9PunlCmjzNKZNNHLFriCv-FXVKkQP9ZiGBO6HeBwUmTo4DqIOJQMN6O2c",)),
    "heroku_legacy_api_key": ("Heroku API key: 01234567-89ab-4cde-8f01-23456789abcd",
                              ("01234567-89ab-4cde-8f01-23456789abcd",)),
    "alibaba_access_key": ("Aliyun access key LTAICKDzt366Yuw1MOEHLqy8 for OSS", ("LTAICKDzt366Yuw1MOEHLqy8",)),
    # --- source hosting, CI and package registries -------------------------------------------------
    "github_pat": ("push with ghp_16C7e42F292c6912E7710c838347Ae178B4a please",
                   ("ghp_16C7e42F292c6912E7710c838347Ae178B4a",)),
    "github_fine_grained_pat": ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
                                ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",)),
    "gitlab_pat": ("CI clones with glpat-wafr7_u42Fjahs5LdTGj from the runner", ("glpat-wafr7_u42Fjahs5LdTGj",)),
    "atlassian_api_token": (f"Jira token {_ATLASSIAN} for the sync job", (_ATLASSIAN,)),
    "linear_api_key": ("Linear: lin_api_eArLWb3XtU2NSqoaHT7HrbGDxfEpPAoPckCnbUAS",
                       ("lin_api_eArLWb3XtU2NSqoaHT7HrbGDxfEpPAoPckCnbUAS",)),
    "notion_token": ("Notion integration secret_pEQoB5Wy6AvXII2N6dYwfJCkmZBk6YbPVZz6FKgb0Yf syncs the docs",
                     ("secret_pEQoB5Wy6AvXII2N6dYwfJCkmZBk6YbPVZz6FKgb0Yf",)),
    "figma_token": ("figma export uses figd_ugQ8peS_JtVPrewh2d6FienFjTL3GI9xbf4AXEw8",
                    ("figd_ugQ8peS_JtVPrewh2d6FienFjTL3GI9xbf4AXEw8",)),
    "airtable_pat": (
        "airtable patMAFqRKyFnqi6ot.5061d38e2dd0c9836a529a8f18a452b7ed7ab81c7b6ae2bb4db0ad95871c8199",
        ("patMAFqRKyFnqi6ot.5061d38e2dd0c9836a529a8f18a452b7ed7ab81c7b6ae2bb4db0ad95871c8199",)),
    "postman_api_key": ("Postman PMAK-5d5650a14620d8bf9fe02bba-3bb831bf77dc598ceeef1963f77f8a169e",
                        ("PMAK-5d5650a14620d8bf9fe02bba-3bb831bf77dc598ceeef1963f77f8a169e",)),
    "contentful_token": ("Contentful CFPAT-xObaNWQLEkAVc5PIwV6zBX7grg9JVRsNl3LpFCvTa7T",
                         ("CFPAT-xObaNWQLEkAVc5PIwV6zBX7grg9JVRsNl3LpFCvTa7T",)),
    "npm_token": ("//registry.npmjs.org/:_authToken=npm_QpFjZ46UGS7PNKyLtBT1pnnwukA1gMAkX0dN",
                  ("npm_QpFjZ46UGS7PNKyLtBT1pnnwukA1gMAkX0dN",)),
    "pypi_token": (
        "twine upload -p pypi-AgEIcHlwaS5vcmc6GEi9j9P2dS4bu67aD2cNuKcjJ-I0ddiV4Ynp6HTToHurqZH54oICKPl77dXe4ty2tiXi3",
        ("pypi-AgEIcHlwaS5vcmc6GEi9j9P2dS4bu67aD2cNuKcjJ-I0ddiV4Ynp6HTToHurqZH54oICKPl77dXe4ty2tiXi3",)),
    "rubygems_api_key": ("gem push with rubygems_b822e470f51537270ed00e9d2f64c4d3f07515bed076de5a",
                         ("rubygems_b822e470f51537270ed00e9d2f64c4d3f07515bed076de5a",)),
    "docker_hub_pat": ("docker login -u archwright -p dckr_pat_HQxBXswLv4e3mfI7CjBm80GdCuM",
                       ("dckr_pat_HQxBXswLv4e3mfI7CjBm80GdCuM",)),
    "huggingface_token": ("HF token hf_8JcyuUd8DqMsilwnruRj272WBKhr9swEvr for model downloads",
                          ("hf_8JcyuUd8DqMsilwnruRj272WBKhr9swEvr",)),
    "terraform_cloud_token": (
        "TFE token YbQRK1OWWRQFGp.atlasv1.lRHDm71iMChlXpllIhQ8fOHLK5tjFzZlGvwTAwY4zDpZDs4det72DswVOECC6jzIZdi",
        ("YbQRK1OWWRQFGp.atlasv1.lRHDm71iMChlXpllIhQ8fOHLK5tjFzZlGvwTAwY4zDpZDs4det72DswVOECC6jzIZdi",
         "lRHDm71iMChlXpllIhQ8fOHLK5tjFzZlGvwTAwY4zDpZDs4det72DswVOECC6jzIZdi")),
    "pulumi_access_token": ("pulumi login with pul-d1c6f65e53874b6bd17ede649155e897cb1ab032",
                            ("pul-d1c6f65e53874b6bd17ede649155e897cb1ab032",)),
    "doppler_token": ("Doppler service token dp.st.prd.1GVtsgCnHDsp8DLYsx2oDu6SBwLpLThBjYi5Kcfe",
                      ("dp.st.prd.1GVtsgCnHDsp8DLYsx2oDu6SBwLpLThBjYi5Kcfe", "1GVtsgCnHDsp8DLYsx2oDu6SBwLpLThBjYi5Kcfe")),
    "vault_token": (
        "VAULT token hvs.CAESI4ll4kFXCZ1sy_5ZzITbjs2SCHC7Q_avYjViRlZUTTeKMxyZ6p3nCShO5dAqUwYUE6wSI1mI1oVnHeiu15hxP9"
        "FedV7 (root, revoke after use)",
        ("hvs.CAESI4ll4kFXCZ1sy_5ZzITbjs2SCHC7Q_avYjViRlZUTTeKMxyZ6p3nCShO5dAqUwYUE6wSI1mI1oVnHeiu15hxP9FedV7",)),
    "databricks_token": ("databricks PAT dapi39bd1817fdade9cc95582a54b3e8e289",
                         ("dapi39bd1817fdade9cc95582a54b3e8e289",)),
    "grafana_service_account_token": ("Grafana glsa_LbIYrUp1Y0xKrUpQ03ZJchH8XZc20WWd_b7928aa8",
                                      ("glsa_LbIYrUp1Y0xKrUpQ03ZJchH8XZc20WWd_b7928aa8",)),
    "sentry_dsn_with_secret": (
        "SENTRY_DSN https://e194351e2605979a67e3a47e044ed82c:864863d4820cbfa3e4f606e6f451274f@o4504.ingest.sentry.io/42",
        ("864863d4820cbfa3e4f606e6f451274f", "e194351e2605979a67e3a47e044ed82c")),
    "sentry_auth_token": (
        "sentry-cli with 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",
        ("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",)),
    "supabase_access_token": ("supabase login --token sbp_b5f09a175b2bfd7578757d9ffaa806837a82e10c",
                              ("sbp_b5f09a175b2bfd7578757d9ffaa806837a82e10c",)),
    "mapbox_secret_token": ("Mapbox sk.eyJ1Ijoiwost1VTS14pJrICkdkP5hctN7I-HIurjpsgpnAU6.u2JcBv8DQde-3_LOrz7yFc",
                            ("sk.eyJ1Ijoiwost1VTS14pJrICkdkP5hctN7I-HIurjpsgpnAU6.u2JcBv8DQde-3_LOrz7yFc",)),
    # --- messaging, email, payments, monitoring ----------------------------------------------------
    "slack_bot_token": ("bot xoxb-2048291234-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx posts alerts",
                        ("xoxb-2048291234-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",)),
    "slack_webhook": ("alerts go to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                      ("T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",)),
    "discord_bot_token": ("Discord bot MTJODqvyiHtUMPEO684pQF5pI5.Tpd3Ie.ietgRCKGXpOfbELR3J4_b41BcsP3FYDyj8r89O",
                          ("MTJODqvyiHtUMPEO684pQF5pI5.Tpd3Ie.ietgRCKGXpOfbELR3J4_b41BcsP3FYDyj8r89O",)),
    "discord_webhook": (
        "notify https://discord.com/api/webhooks/1184392671029487616/b5InSULVbGRKIzV6m_iA64BUTcALPhjlQiyhAAI5P9fOZd6"
        "0dCj0RyiSOSX9yKCvRl0J on deploy",
        ("b5InSULVbGRKIzV6m_iA64BUTcALPhjlQiyhAAI5P9fOZd60dCj0RyiSOSX9yKCvRl0J",)),
    "telegram_bot_token": ("Telegram bot 7412903581:AAvIQ1ouDBBZX9xG4KLK6A6UAfchIwi1XwW sends receipts",
                           ("7412903581:AAvIQ1ouDBBZX9xG4KLK6A6UAfchIwi1XwW", "AAvIQ1ouDBBZX9xG4KLK6A6UAfchIwi1XwW")),
    "twilio_api_key": ("Twilio API key SK9b61f7fe688bcc2a8fd7b7a95a47d309 for SMS",
                       ("SK9b61f7fe688bcc2a8fd7b7a95a47d309",)),
    "twilio_account_and_auth_token": (
        "Twilio account AC504a4c7b2afd91a7297ec552eb0d81bc auth token 8f300619d3f275b7101ee95a069eb822",
        ("8f300619d3f275b7101ee95a069eb822",)),
    "sendgrid_api_key": ("SendGrid 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",
                         ("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",
                          "R_hMjNzRf7_SKZSDK-Vb2x2kRVIIWKaNwGu0e-e64Hm")),
    "mailgun_api_key": ("Mailgun key-e495af16e2b152aa3abcd942cde1a229 for transactional mail",
                        ("e495af16e2b152aa3abcd942cde1a229",)),
    "mailchimp_api_key": ("Mailchimp list sync uses 59ee472b4812d5702984287c56472fb7-us12",
                          ("59ee472b4812d5702984287c56472fb7",)),
    "stripe_secret_key": ("our Stripe key is sk_live_4eC39HqLyjWDarjtT1zdp7dc", ("sk_live_4eC39HqLyjWDarjtT1zdp7dc",)),
    "stripe_webhook_secret": ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",)),
    "square_access_token": ("Square EAAAiU14oZPnoUjJGXwQQRw9dlUW1cXYngpNpfeXKmZzatoTZVZGWw-9cLMIBZgF",
                            ("EAAAiU14oZPnoUjJGXwQQRw9dlUW1cXYngpNpfeXKmZzatoTZVZGWw-9cLMIBZgF",)),
    "square_oauth_secret": ("Square OAuth sq0csp-jT88NpmNitL1LP7KlzdoS_TkLhjXI7G873V3Zw-r9h9",
                            ("sq0csp-jT88NpmNitL1LP7KlzdoS_TkLhjXI7G873V3Zw-r9h9",)),
    "paypal_access_token": (
        "PayPal A21AAxVl62DmX-7bzEesW8rauyH8j1vwhIT-A7rP-eAmILknoqgR9M9Jx3PW8IlGeptr97mucY5sGF99cbEnSp_mDf9-jSk",
        ("A21AAxVl62DmX-7bzEesW8rauyH8j1vwhIT-A7rP-eAmILknoqgR9M9Jx3PW8IlGeptr97mucY5sGF99cbEnSp_mDf9-jSk",)),
    "braintree_access_token": (
        "Braintree access_token$production$yu0oqrahc6thpju9$de1fe26a417062b86933d1c7a64431a3",
        ("yu0oqrahc6thpju9$de1fe26a417062b86933d1c7a64431a3",)),
    "shopify_access_token": ("Shopify admin 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",
                             ("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",)),
    "shopify_shared_secret": ("Shopify app secret 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",
                              ("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",)),
    "facebook_access_token": (f"Graph API token {_FACEBOOK}", (_FACEBOOK,)),
    "datadog_api_key": ("Datadog API key ecfef22b3ac24f2aaa13f50040b66dc3 for the agent",
                        ("ecfef22b3ac24f2aaa13f50040b66dc3",)),
    "newrelic_user_key": ("New Relic NRAK-JKO0UI6HUTFYYVLHYD333G57SDG", ("NRAK-JKO0UI6HUTFYYVLHYD333G57SDG",)),
    "openai_api_key": ("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", ("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",)),
    "anthropic_api_key": ("ANTHROPIC key sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345",
                          ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345",)),
    # --- tokens, headers and keys of generic shape -------------------------------------------------
    "jwt": ("session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            ("SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ")),
    "bearer_header": ("Authorization: Bearer 0123456789abcdefABCDEF.xyz", ("0123456789abcdefABCDEF.xyz",)),
    "basic_header": ("Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQxMjM=", ("dXNlcm5hbWU6cGFzc3dvcmQxMjM=",)),
    "cookie_header": ("Cookie: sessionid=9f2c81d4e7b6a5c3d2e1f0a9; csrftoken=Zk8YqL3mN7pQ2rT5",
                      ("9f2c81d4e7b6a5c3d2e1f0a9", "Zk8YqL3mN7pQ2rT5")),
    "labelled_api_key": ("the api key 9f8e7d6c5b4a39281706abcd goes in the header",
                         ("9f8e7d6c5b4a39281706abcd",)),
    "rsa_private_key": (f"-----BEGIN RSA PRIVATE KEY-----\n{_RSA_BODY}\n-----END RSA PRIVATE KEY-----",
                        tuple(_RSA_BODY.splitlines())),
    "openssh_private_key": (f"-----BEGIN OPENSSH PRIVATE KEY-----\n{_OPENSSH_BODY}\n-----END OPENSSH PRIVATE KEY-----",
                            tuple(_OPENSSH_BODY.splitlines())),
    "pgp_private_key_block": (
        f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{_PGP_BODY}\n-----END PGP PRIVATE KEY BLOCK-----",
        tuple(_PGP_BODY.splitlines())),
    "putty_private_key": (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n"
        f"AAAAC3NzaC1lZDI1NTE5AAAAIOv4\nPrivate-Lines: 1\n{_PUTTY_PRIVATE}\n"
        "Private-MAC: 8a3c5b2f9e1d7c4a6b0e2f8d1c3a5b7e9f0d2c4a6b8e0f1a3c5d7e9f1b3d5a7c",
        (_PUTTY_PRIVATE,)),
    "age_secret_key": ("AGE-SECRET-KEY-1FH33ZHC5EMFHR46RXGZK7NR75ZQHWXQVA56PZ3X7JGD8FWR7YJDCCLQ4UT",
                       ("FH33ZHC5EMFHR46RXGZK7NR75ZQHWXQVA56PZ3X7JGD8FWR7YJDCCLQ4UT",)),
    # --- credentials in URLs and connection strings -------------------------------------------------
    "postgres_url": ("DATABASE_URL is postgres://app:Sup3rS3cret!@db.internal:5432/rides", ("Sup3rS3cret!",)),
    "postgresql_url": ("use postgresql://reporting:r3p0rt-pw-2026@10.0.4.12/analytics?sslmode=require",
                       ("r3p0rt-pw-2026",)),
    "supabase_postgres_url": (
        "postgresql://postgres.abcdefghijklmnop:Xk29vLq8pZ3mW4nB@aws-0-eu-west-1.pooler.supabase.com:6543/postgres",
        ("Xk29vLq8pZ3mW4nB",)),
    "mysql_url": ("mysql://root:hunter2hunter2@mysql.prod:3306/orders", ("hunter2hunter2",)),
    "mongodb_url": ("mongodb://admin:M0ng0Pa55w0rd@mongo-0.mongo,mongo-1.mongo:27017/app?replicaSet=rs0",
                    ("M0ng0Pa55w0rd",)),
    "mongodb_srv_url": ("mongodb+srv://svc-user:Tz7%40pQ9vLm2@cluster0.ab1cd.mongodb.net/test", ("Tz7%40pQ9vLm2",)),
    "redis_url": ("cache at redis://default:r3d1sPa55@cache.internal:6379/0", ("r3d1sPa55",)),
    "rediss_url": ("rediss://:Qm8vX2kL9pR4tW7z@archwright.redis.cache.windows.net:6380", ("Qm8vX2kL9pR4tW7z",)),
    "amqp_url": ("amqp://orders:rabbitPw-7781@rabbitmq:5672/%2F", ("rabbitPw-7781",)),
    "https_basic_auth_url": ("fetch https://deploy:gH7!kL2pQ9x@artifacts.example.com/releases/v2.3.1.tar.gz",
                             ("gH7!kL2pQ9x",)),
    "jdbc_password_parameter": ("jdbc:mysql://db:3306/app?user=app&password=J8dbcPass2026&useSSL=true",
                                ("J8dbcPass2026",)),
    "ado_net_connection_string": ("Server=tcp:sql.prod,1433;Database=rides;User ID=sa;Password=Adm1n!Pass;Encrypt=true",
                                  ("Adm1n!Pass",)),
    # --- key/value pairs: .env, YAML, JSON, prose ---------------------------------------------------
    "password_assignment": ("password=Tr0ub4dor&3", ("Tr0ub4dor&3",)),
    "password_is_free_text": ("for the demo the admin password is Winter2026! so log in", ("Winter2026!",)),
    "env_db_password": ("DB_PASSWORD=pg-prod-8f3k2m9x", ("pg-prod-8f3k2m9x",)),
    "env_secret_key_quoted": ('SECRET_KEY="django-insecure-7x#k2$m9@pq!vz4w8"', ("django-insecure-7x#k2$m9@pq!vz4w8",)),
    "env_export_mailgun_api_key": ("export MAILGUN_API_KEY='mg-4f8d2c9a1b7e6f3d'", ("mg-4f8d2c9a1b7e6f3d",)),
    "env_dd_api_key": ("DD_API_KEY=a296eddcec6d55480d0b5819f9f6b954", ("a296eddcec6d55480d0b5819f9f6b954",)),
    "env_name_token": ("export CIRCLECI_TOKEN=cci-tok-93jf83hf92h", ("cci-tok-93jf83hf92h",)),
    "env_name_secret": ("WEBHOOK_SECRET = 'wh-sec-5512-abcd'", ("wh-sec-5512-abcd",)),
    "env_client_secret": ("OKTA_CLIENT_SECRET=0kta-Cl13nt-S3cr3t-value", ("0kta-Cl13nt-S3cr3t-value",)),
    "yaml_password": ("database:\n  host: db.internal\n  password: yamlPa55word\n  pool: 10", ("yamlPa55word",)),
    "header_api_key": ("X-API-Key: 4c1f7a9e2b8d6c3f", ("4c1f7a9e2b8d6c3f",)),
    "json_password_in_text": ('the client sent {"user": "ana", "Password": "s3cr3t-Passw0rd"} at login',
                              ("s3cr3t-Passw0rd",)),
    "json_api_key_single_quotes": ("config = {'region': 'eu', 'apiKey': 'ak-77f1e2d3c4b5'}", ("ak-77f1e2d3c4b5",)),
    "json_escaped_client_secret": ('payload "{\\"client_secret\\": \\"cs-9a8b7c6d5e\\"}" rejected', ("cs-9a8b7c6d5e",)),
    "json_access_token_uppercase": ('{"ACCESS_TOKEN": "at_5f4e3d2c1b0a9988"}', ("at_5f4e3d2c1b0a9988",)),
    "rails_secret_key_base": ("SECRET_KEY_BASE=9f1c2e3d4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4",
                              ("9f1c2e3d4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4",)),
    "two_env_passwords": ("DB_PASSWORD=first-Pw1 CACHE_PASSWORD=second-Pw2", ("first-Pw1", "second-Pw2")),
    "camel_case_key": ("dbPassword=Kq82-zzT!", ("Kq82-zzT!",)),
    "basic_auth_env": ("BASIC_AUTH=admin:Pa55-w0rd", ("admin:Pa55-w0rd", "Pa55-w0rd")),
    "cli_password_flag": ("run migrate --password=M1gr4te-2026 --host db", ("M1gr4te-2026",)),
    # --- personal data -----------------------------------------------------------------------------
    "card_number_spaces": ("charge 4111 1111 1111 1111 exp 12/28", ("4111 1111 1111 1111", "4111111111111111")),
    "card_number_after_dash": ("card-4111111111111111 was declined", ("4111111111111111",)),
    "card_number_after_spaced_dash": ("pay - 5555 5555 5555 4444 now", ("5555 5555 5555 4444", "5555555555554444")),
    "card_number_with_expiry": ("card 4012 8888 8888 1881 12/28 cvv 123", ("4012 8888 8888 1881",)),
    "card_numbers_listed": ("cards 4111111111111111 5555555555554444 on file", ("4111111111111111", "5555555555554444")),
    "card_number_amex": ("Amex 3782 822463 10005", ("3782 822463 10005", "378282246310005")),
    "us_ssn": ("SSN 078-05-1120 on file", ("078-05-1120",)),
    "us_ssn_spaces": ("her SSN is 123 45 6789", ("123 45 6789", "45 6789")),
    "iban": ("refund to GB82 WEST 1234 5698 7654 32 by Friday", ("GB82 WEST 1234 5698 7654 32", "5698 7654", "12345698765432")),
    "iban_compact": ("IBAN DE89370400440532013000", ("DE89370400440532013000",)),
    "uk_national_insurance_number": ("NI number JH 58 17 29 B", ("JH 58 17 29 B",)),
}

SECRETS: dict[str, str] = {kind: sample for kind, (sample, _) in _ENTRIES.items()}
CORES: dict[str, list[str]] = {kind: list(found) for kind, (_, found) in _ENTRIES.items()}
JSONISH: frozenset[str] = frozenset(kind for kind in SECRETS if kind.startswith("json_"))
_BY_SAMPLE: dict[str, str] = {sample: kind for kind, sample in SECRETS.items()}


def cores(sample_or_kind: str) -> list[str]:
    """The substrings of a corpus sample that must not survive redaction (by sample text or kind)."""
    kind = sample_or_kind if sample_or_kind in CORES else _BY_SAMPLE[sample_or_kind]
    return list(CORES[kind])


ORDINARY: list[str] = [
    "A ride-sharing app for 100k daily users with real-time tracking and payments",
    "We use PostgreSQL and Redis",
    "Passwords are hashed with bcrypt",
    "Passwords are hashed with bcrypt (cost 12) and never logged",
    "tokens expire after 15 minutes",
    "Access tokens expire after 15 minutes and refresh tokens after 30 days",
    "The token is valid for 15 minutes",
    "the key metric is latency",
    "The key requirement is 99.95% availability",
    "Lambda costs $0.20 per million requests",
    "Storage is $0.023 per GB-month; egress is $0.09 per GB",
    "Upgrade from v2.3.1 to v3.0.0-rc.2 before 2026-11-24",
    "Release 2026-11-24T09:30:00Z, freeze on 2026-12-01",
    "Request id 123e4567-e89b-12d3-a456-426614174000 timed out",
    "Order ORD-2026-11-24-000123 shipped; invoice INV-88213",
    "Order 1234 5678 shipped on 2026-11-23; call 555-0100",
    "postgres://localhost:5432/app",
    "Connect to redis://cache.internal:6379/0 for sessions",
    "The API is served at https://api.example.com/v1/rides?page=2&limit=50",
    "Peak load 12,000 requests per second at 09:30",
    "Support line +1 (415) 555-2671, UK office +44 20 7946 0958",
    "Call +33 1 23 45 67 89 or 020 7946 0958 during business hours",
    "Tracking number 4111 1111 1111 1112 (fails Luhn)",
    "Timestamps are epoch milliseconds such as 1732460000000",
    "Password reset links are emailed and expire after one hour",
    "The password policy requires 12 characters and MFA",
    "Secrets are stored in AWS Secrets Manager and rotated every 90 days",
    "Secret management is handled by HashiCorp Vault",
    "API keys are scoped per tenant and can be revoked from the console",
    "The API key is stored in Vault",
    "Token: JWT signed with RS256, 15 minute expiry",
    "Authentication uses OAuth 2.0 with PKCE; sessions last 8 hours",
    "The bearer token is sent in the Authorization header",
    "Use the token bucket algorithm for rate limiting at 100 req/s",
    "Set TOKEN_TTL=900 and SESSION_TIMEOUT=3600 in the config",
    "max_tokens: 4096 for the summariser",
    "The tokenizer: sentencepiece with a 32k vocabulary",
    "Our secretary: Jane Doe handles vendor contracts",
    "Keyboard shortcuts: ctrl+k opens search",
    "Kafka topic rides.v1 has 12 partitions and 3 replicas",
    "Deploy to eu-west-1 and us-east-2 with 3 availability zones",
    "p99 latency under 300 ms; error budget 0.1% per 28 days",
    "Store 7 years of trip history, about 40 TB compressed",
    "Budget: $40k per month for infrastructure",
    "Users authenticate with email and password; admins need SSO",
    "SKU A-1042 costs 19.99 EUR; 3 for 49.99 EUR",
    "ISO 27001 and SOC 2 Type II are required by Q3 2026",
    "The hash of the build is 3f2a9c1e and the image tag is 2026.11.24-1",
    "Feature flags: dark_mode=true, new_checkout=false",
    "Mobile app version 5.12.0 (build 20261124) supports iOS 17+",
    "A card number must pass the Luhn check before we call the processor",
    "GDPR: data residency in the EU, deletion within 30 days",
    "Use environment variables like DATABASE_URL and REDIS_URL; never hardcode secrets",
    "The mapping key is the rider id and the value is the trip list",
    "Throughput is 5,000 msg/s with 2 KB messages",
    "Each webhook is signed with HMAC-SHA256 and verified on receipt",
    "Auth: Cognito user pools",
    "Session token: httpOnly cookie",
    "Token bucket: 100 req/s",
    "Token budget: 100k tokens per request",
    "Credentials: IAM roles",
    "Encryption key: AWS KMS CMK",
    "Private key: never leaves the HSM",
    "Client secret: stored in Secrets Manager",
    "Password hashing: Argon2id; password reset: via email",
    "Primary key: order_id; partition key: tenant_id; idempotency key: client-generated UUID v4",
    "Authorization: Role-based access control with 4 roles",
    "Cookie: consent banner required in EU",
    "SSN: must be encrypted at rest",
    "The admin password is set on first login",
    "Trace id 4bf92f3577b34da6a3ce929d0e0e4736, commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
    "ISBN 978-3-16-148410-0; build 4111111111111 failed",
    "Ratio 16:9, meeting at 10:30, IPv6 [2001:db8::1]:443",
    "version=1.2.3 env=prod region=eu-west-1",
    "AccountName=archwrightprod;EndpointSuffix=core.windows.net",
    "Keys prefixed with sk_live_ must never be logged; npm_ and hf_ prefixes mark tokens",
    "Postgres: postgres://app@db:5432/app (password from IAM auth)",
    "Use mysql://USER:PASSWORD@HOST/DB as the template",
    "Call +1-202-555-0173 or +44 7700 900123; phone: 415-555-2671",
]
