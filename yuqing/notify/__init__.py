"""Delivery of messages to people: email, webhooks, WeCom, DingTalk, Feishu, in-app."""
