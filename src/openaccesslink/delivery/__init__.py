"""Webhook delivery: the outbox dispatcher, signer, retry policy, URL guard and HTTP sender.

Import direction: api -> delivery -> domains -> db -> core.
"""
