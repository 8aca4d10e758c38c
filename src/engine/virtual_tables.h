// Virtual tables every connection has: sprocket_audit (the audit ring).
#ifndef SPROCKET_ENGINE_VIRTUAL_TABLES_H_
#define SPROCKET_ENGINE_VIRTUAL_TABLES_H_

#include "sprocket/status.h"

namespace sprocket {

class SessionImpl;

Status RegisterVirtualTables(SessionImpl& session);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_VIRTUAL_TABLES_H_
