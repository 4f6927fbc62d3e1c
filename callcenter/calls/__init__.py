"""Call handling: the life of a voice call from FastAGI entry to the interaction row.

``inbound`` answers the FastAGI sessions (IVR entry, hold, connect-failed hand-back),
``tracker`` follows the AMI events of every call, ``service`` ties them to the ACD router
and to the PBX port (:mod:`callcenter.pbx`, Asterisk adapter in ``callcenter.asterisk.pbx_adapter``).
"""
