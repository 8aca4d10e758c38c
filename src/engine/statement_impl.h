// Statement::Impl: a prepared statement of the public API. A plain statement wraps a
// sqlite3_stmt; a Sprocket statement (CREATE FUNCTION, CALL, …) runs when first stepped.
#ifndef SPROCKET_ENGINE_STATEMENT_IMPL_H_
#define SPROCKET_ENGINE_STATEMENT_IMPL_H_

#include <memory>

#include "sprocket/sprocket.hpp"
#include "sql/ast.h"

namespace sprocket {

class SessionImpl;

Result<std::unique_ptr<Statement>> NewStatement(SessionImpl& session, sql::ParsedStatement parsed);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_STATEMENT_IMPL_H_
