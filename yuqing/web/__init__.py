"""The web shell: layout, navigation, language choice, login."""
