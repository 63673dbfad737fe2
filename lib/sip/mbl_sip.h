/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast SIP (lib/sip on osip2 and OpenSSL): the one header other
 * modules include. It gathers the module's parts, none of which exposes an
 * osip2 type:
 *   sip_tp.h   - transports on kernel sockets: UDP, TCP, TLS (OpenSSL),
 *                WebSocket over TCP or TLS (RFC 7118, with lib/ws)
 *   sip_ua.h   - user-agent core: transactions on osip2's state machines
 *                with our own timers, dialogs, calls
 *   sip_auth.h - digest authentication (RFC 8760: MD5, SHA-256), both sides
 *   sip_csv.h  - SIPp-style CSV injection files
 */
#ifndef MBL_SIP_H
#define MBL_SIP_H

#include "sip_auth.h"
#include "sip_csv.h"
#include "sip_tp.h"
#include "sip_ua.h"

#endif /* MBL_SIP_H */
