CREATE FUNCTION process_data(items text) RETURNS text LANGUAGE python STABLE
AS $py$
def process_data(items):
    return '$$' + items  # ; not a split
$py$;
