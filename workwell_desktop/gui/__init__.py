"""The Qt desktop app: screens, dialogs and Qt models over the encrypted store."""
# Forms are built in code, not .ui files, because their fields come from the domain vocabularies.
